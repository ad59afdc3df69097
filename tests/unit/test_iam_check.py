"""The IAM check's parts without AWS: IAM's names for SDK calls, the policy evaluator, the
recorder (on moto in-process), and the checker on template.yaml and on broken copies of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.handlers
import pytest
import yaml
from moto import mock_aws

from local.call_recorder import CallRecorder, acting_as
from local.iam_actions import Place, Requirement, requirements
from local.iam_check import (
    TEMPLATE,
    RecordedCall,
    check,
    function_roles,
    grants,
    load_unexercised,
    read_calls,
)
from local.iam_policy import Statement, UnsupportedPolicyError, evaluate, matches

PLACE = Place("us-east-1", "123456789012")
BUCKET = "arn:aws:s3:::b"
BOX = "arn:aws:s3:::box"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/t"

# The SAM transform of the template is done once per module; the broken copies once each.
pytestmark = pytest.mark.xdist_group("iam-check")


def needed(service: str, operation: str, **params: Any) -> list[tuple[str, str]]:
    return [(r.action, r.resource) for r in requirements(service, operation, params, PLACE)]


# ---------------------------------------------------------------- IAM's names for SDK calls


def test_s3_calls_are_named_as_iam_checks_them() -> None:
    assert needed("s3", "GetObject", Bucket="b", Key="k/1") == [("s3:GetObject", f"{BUCKET}/k/1")]
    assert needed("s3", "GetObject", Bucket="b", Key="k", VersionId="v") == [
        ("s3:GetObjectVersion", f"{BUCKET}/k")
    ]
    assert needed("s3", "HeadObject", Bucket="b", Key="k") == [("s3:GetObject", f"{BUCKET}/k")]
    assert needed("s3", "ListObjectVersions", Bucket="b") == [("s3:ListBucketVersions", BUCKET)]
    (listing,) = requirements("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "p/"}, PLACE)
    assert (listing.action, listing.resource, listing.context) == (
        "s3:ListBucket",
        BUCKET,
        {"s3:prefix": "p/"},
    )
    assert needed(
        "s3", "DeleteObjects", Bucket="b", Delete={"Objects": [{"Key": "a"}, {"Key": "c"}]}
    ) == [("s3:DeleteObject", f"{BUCKET}/a"), ("s3:DeleteObject", f"{BUCKET}/c")]
    copy = {
        "Bucket": "b",
        "Key": "r/x",
        "CopySource": {"Bucket": "b", "Key": "i/x", "VersionId": "v"},
    }
    assert needed("s3", "CopyObject", **copy) == [
        ("s3:PutObject", f"{BUCKET}/r/x"),
        ("s3:GetObjectVersion", f"{BUCKET}/i/x"),
    ]
    assert needed("s3", "CopyObject", Bucket="b", Key="r/x", CopySource="b/i/a%20b")[1] == (
        "s3:GetObject",
        f"{BUCKET}/i/a b",
    )


def test_dynamodb_calls_name_their_tables_and_indexes() -> None:
    assert needed("dynamodb", "Query", TableName="t", IndexName="ByKey") == [
        ("dynamodb:Query", f"{TABLE}/index/ByKey")
    ]
    assert needed("dynamodb", "GetItem", TableName="t") == [("dynamodb:GetItem", TABLE)]
    assert needed("dynamodb", "BatchWriteItem", RequestItems={"t": [], "u": []}) == [
        ("dynamodb:BatchWriteItem", TABLE),
        ("dynamodb:BatchWriteItem", TABLE[:-1] + "u"),
    ]
    items = [{"Put": {"TableName": "t"}}, {"ConditionCheck": {"TableName": "t"}}]
    assert needed("dynamodb", "TransactWriteItems", TransactItems=items) == [
        ("dynamodb:PutItem", TABLE),
        ("dynamodb:ConditionCheckItem", TABLE),
    ]


def test_queue_bus_and_model_calls() -> None:
    url = "http://127.0.0.1:5000/123456789012/newsbrief-ParseQueue"
    queue = "arn:aws:sqs:us-east-1:123456789012:newsbrief-ParseQueue"
    assert needed("sqs", "DeleteMessageBatch", QueueUrl=url) == [("sqs:DeleteMessage", queue)]
    assert needed("sqs", "ReceiveMessage", QueueUrl=url) == [("sqs:ReceiveMessage", queue)]
    bus = "arn:aws:events:us-east-1:123456789012:event-bus/"
    entries = [{"EventBusName": "articles"}, {"EventBusName": bus + "other"}, {}]
    assert needed("events", "PutEvents", Entries=entries) == [
        ("events:PutEvents", bus + "articles"),
        ("events:PutEvents", bus + "default"),
        ("events:PutEvents", bus + "other"),
    ]
    assert needed("bedrock-runtime", "Converse", modelId="amazon.nova-lite-v1:0") == [
        ("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0")
    ]
    profile, routed = requirements(
        "bedrock-runtime", "Converse", {"modelId": "us.amazon.nova-lite-v1:0"}, PLACE
    )
    assert profile.resource.endswith(":123456789012:inference-profile/us.amazon.nova-lite-v1:0")
    assert routed.resource.endswith("::foundation-model/amazon.nova-lite-v1:0")
    assert routed.context == {"bedrock:InferenceProfileArn": profile.resource}
    # An operation this mapping does not know needs its action on every resource.
    assert needed("kinesis", "PutRecord", StreamName="s") == [("kinesis:PutRecord", "*")]


# ---------------------------------------------------------------- the evaluator


def statement(**document: Any) -> Statement:
    return Statement.from_json({"Effect": "Allow", **document}, "test")


def test_wildcards_match_as_iam_matches_them() -> None:
    assert matches("arn:aws:s3:::b/parsed/*", "arn:aws:s3:::b/parsed/a/b.json")
    assert not matches("arn:aws:s3:::b/parsed/*", "arn:aws:s3:::b/parsedX")
    assert matches("arn:aws:s3:::b/?.json", "arn:aws:s3:::b/a.json")
    assert not matches("arn:aws:s3:::b/?.json", "arn:aws:s3:::b/ab.json")
    # A dot is a dot, not any character; resources are case-sensitive, actions are not.
    assert not matches("a.b", "aXb")
    assert not matches("arn:aws:s3:::B", "arn:aws:s3:::b")
    assert statement(Action="S3:getobject", Resource="*").covers_action("s3:GetObject")
    assert statement(Action="dynamodb:*", Resource="*").covers_action("dynamodb:Query")


def test_an_explicit_deny_wins_and_nothing_allowed_is_denied() -> None:
    allow = statement(Action="s3:*", Resource="arn:aws:s3:::b/*")
    deny = Statement.from_json(
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::b/keep/*"}, "d"
    )
    kept = Requirement("s3:DeleteObject", "arn:aws:s3:::b/keep/x")
    decision = evaluate([allow, deny], kept)
    assert not decision.allowed
    assert decision.denied_by == (deny,)
    assert evaluate([allow, deny], Requirement("s3:DeleteObject", "arn:aws:s3:::b/x")).allowed
    assert not evaluate([allow], Requirement("s3:GetObject", "arn:aws:s3:::c/x")).allowed
    assert not evaluate([], Requirement("s3:GetObject", "arn:aws:s3:::b/x")).allowed


def test_not_action_and_not_resource() -> None:
    everything_but = statement(NotAction="s3:DeleteObject", Resource="*")
    assert everything_but.applies_to(Requirement("s3:GetObject", "x"))
    assert not everything_but.applies_to(Requirement("s3:DeleteObject", "x"))
    elsewhere = statement(Action="s3:GetObject", NotResource="arn:aws:s3:::b/secret/*")
    assert elsewhere.applies_to(Requirement("s3:GetObject", "arn:aws:s3:::b/x"))
    assert not elsewhere.applies_to(Requirement("s3:GetObject", "arn:aws:s3:::b/secret/x"))


def test_conditions_on_the_request_context() -> None:
    profile = "arn:aws:bedrock:us-east-1:1:inference-profile/us.m"
    through = statement(
        Action="bedrock:InvokeModel",
        Resource="arn:aws:bedrock:*::foundation-model/*",
        Condition={"StringEquals": {"bedrock:InferenceProfileArn": profile}},
    )
    model = "arn:aws:bedrock:us-west-2::foundation-model/m"
    assert through.applies_to(
        Requirement("bedrock:InvokeModel", model, {"bedrock:InferenceProfileArn": profile})
    )
    assert not through.applies_to(Requirement("bedrock:InvokeModel", model))
    prefixed = statement(
        Action="s3:ListBucket",
        Resource=BUCKET,
        Condition={"StringLike": {"s3:prefix": ["parsed/*"]}},
    )
    assert prefixed.applies_to(Requirement("s3:ListBucket", BUCKET, {"s3:prefix": "parsed/a"}))
    assert not prefixed.applies_to(Requirement("s3:ListBucket", BUCKET, {"s3:prefix": "x/"}))
    # A negated operator holds when the request does not carry the key.
    negated = statement(
        Action="s3:ListBucket", Resource=BUCKET, Condition={"StringNotLike": {"s3:prefix": "x*"}}
    )
    assert negated.applies_to(Requirement("s3:ListBucket", BUCKET))
    with pytest.raises(UnsupportedPolicyError):
        statement(Action="s3:*", Resource="*", Condition={"IpAddress": {"aws:SourceIp": "1"}})


# ---------------------------------------------------------------- the recorder


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Path]]:
    """An S3 client of a session of its own carrying the recorder's hooks, on moto; the
    recorder `make test` installs for every session does not see these made-up calls."""
    monkeypatch.setattr(
        botocore.handlers,
        "BUILTIN_HANDLERS",
        [
            entry
            for entry in botocore.handlers.BUILTIN_HANDLERS
            if not isinstance(getattr(entry[1], "__self__", None), CallRecorder)
        ],
    )
    recorder = CallRecorder(tmp_path / "calls", PLACE)
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        for event, handler in recorder.handlers():
            session.events.register(event, handler)
        s3 = session.client("s3")
        s3.create_bucket(Bucket="box")
        yield s3, tmp_path / "calls"


def test_only_a_functions_own_calls_are_recorded_once_each(recorded: tuple[Any, Path]) -> None:
    s3, folder = recorded
    s3.put_object(Bucket="box", Key="incoming/a.txt", Body=b"a")  # the test's own call
    with acting_as("ParseFunction"):
        s3.get_object(Bucket="box", Key="incoming/a.txt")
        s3.get_object(Bucket="box", Key="incoming/a.txt")
        with pytest.raises(s3.exceptions.NoSuchKey):
            s3.get_object(Bucket="box", Key="incoming/gone.txt")
    with acting_as("ParseFunction", via="event source mapping"):
        s3.head_object(Bucket="box", Key="incoming/a.txt")
    with acting_as("ApiFunction"):
        s3.generate_presigned_post(Bucket="box", Key="incoming/form.pdf")
    with acting_as("IndexFunction"), pytest.raises(s3.exceptions.ClientError):
        s3.copy_object(Bucket="box", Key="r/copy", CopySource={"Bucket": "box", "Key": "gone"})
    lines = [
        json.loads(line) for path in folder.iterdir() for line in path.read_text().splitlines()
    ]
    seen = sorted(
        (line["function"], line["call"], line["action"], line["resource"]) for line in lines
    )
    assert seen == [
        ("ApiFunction", "s3.GeneratePresignedPost", "s3:PutObject", f"{BOX}/incoming/form.pdf"),
        ("IndexFunction", "s3.CopyObject", "s3:GetObject", f"{BOX}/gone"),
        ("IndexFunction", "s3.CopyObject", "s3:ListBucket", BOX),
        ("IndexFunction", "s3.CopyObject", "s3:PutObject", f"{BOX}/r/copy"),
        ("ParseFunction", "s3.GetObject", "s3:GetObject", f"{BOX}/incoming/a.txt"),
        ("ParseFunction", "s3.GetObject", "s3:GetObject", f"{BOX}/incoming/gone.txt"),
        # A missing key answers 404 rather than 403 only with s3:ListBucket.
        ("ParseFunction", "s3.GetObject", "s3:ListBucket", BOX),
        ("ParseFunction", "s3.HeadObject", "s3:GetObject", f"{BOX}/incoming/a.txt"),
    ]
    assert [line.get("via") for line in lines if line["call"] == "s3.HeadObject"] == [
        "event source mapping"
    ]
    assert {call.function for call in read_calls(folder)} == {
        "ParseFunction",
        "ApiFunction",
        "IndexFunction",
    }


# ---------------------------------------------------------------- the checker on the template


@pytest.fixture(scope="module")
def roles() -> dict[str, list[Statement]]:
    return function_roles(TEMPLATE)


def exercising(roles: dict[str, list[Statement]]) -> list[RecordedCall]:
    """One call for each grant of the roles that iam_unexercised.yaml does not excuse (a
    wildcard stands for any name), so that a role that lost a statement denies one of them."""
    excuses = load_unexercised()
    calls = []
    for function, statements in roles.items():
        for grant in grants(function, statements):
            if any(excuse.covers(grant) for excuse in excuses):
                continue
            resource = grant.resource.replace("*", "x")
            # A conditioned grant is exercised by a request that meets its conditions.
            context = {
                key: values[0].replace("*", "x")
                for conditions in grant.statement.conditions.values()
                for key, values in conditions.items()
            }
            requirement = Requirement(grant.action, resource, context)
            calls.append(RecordedCall(function, "test.Call", requirement))
    return calls


def copy_of_template(tmp_path: Path, edit: Any) -> Path:
    """A copy of template.yaml, edited as a document of plain values."""
    from samtranslator.yaml_helper import yaml_parse

    document = yaml_parse(TEMPLATE.read_text())
    edit(document["Resources"])
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    for folder in ("functions", "layers"):
        (tmp_path / folder).symlink_to(TEMPLATE.parent / folder)
    return path


def test_the_template_passes_when_every_grant_is_exercised(
    roles: dict[str, list[Statement]],
) -> None:
    report = check(roles, exercising(roles), load_unexercised())
    assert not report.failed, (report.denied, report.unused, report.stale)
    assert set(roles) == {
        "ParseFunction",
        "SummarizeFunction",
        "IndexFunction",
        "ApiFunction",
        "ReaderFunction",
    }


def test_the_check_fails_when_a_statement_is_removed(
    roles: dict[str, list[Statement]], tmp_path: Path
) -> None:
    def remove(resources: dict[str, Any]) -> None:
        for policy in resources["ParseFunction"]["Properties"]["Policies"]:
            if isinstance(policy, dict) and "Statement" in policy:
                policy["Statement"] = [
                    found for found in policy["Statement"] if found.get("Sid") != "ReadUploads"
                ]

    broken = function_roles(copy_of_template(tmp_path, remove))
    report = check(broken, exercising(roles), load_unexercised())
    assert report.failed
    assert not report.unused
    uploads = "arn:aws:s3:::newsbrief-articles-123456789012-us-east-1/incoming/"
    # Each denied call names the function, the call and the statement that would allow it.
    assert report.denied == [
        f"ParseFunction: test.Call needs {action} on {uploads}x: no statement allows it; "
        "missing: " + json.dumps({"Effect": "Allow", "Action": action, "Resource": uploads + "*"})
        for action in ("s3:GetObject", "s3:GetObjectVersion")
    ]


def test_the_check_fails_when_an_unused_action_is_granted(
    roles: dict[str, list[Statement]], tmp_path: Path
) -> None:
    def widen(resources: dict[str, Any]) -> None:
        resources["ReaderFunction"]["Properties"]["Policies"].append(
            {
                "Statement": [
                    {
                        "Sid": "NotNeeded",
                        "Effect": "Allow",
                        "Action": "dynamodb:Scan",
                        "Resource": {"Fn::GetAtt": ["ArticlesTable", "Arn"]},
                    }
                ]
            }
        )

    widened = function_roles(copy_of_template(tmp_path, widen))
    report = check(widened, exercising(roles), load_unexercised())
    assert report.failed
    assert not report.denied
    (unused,) = report.unused
    assert unused.startswith(
        "ReaderFunction: grants dynamodb:Scan on "
        "arn:aws:dynamodb:us-east-1:123456789012:table/newsbrief-ArticlesTable (ReaderFunction"
    )
    assert unused.endswith(" NotNeeded) but no recorded call used it")


def test_an_excuse_that_excuses_nothing_fails_the_check(
    roles: dict[str, list[Statement]],
) -> None:
    from local.iam_check import Unexercised

    stale = Unexercised(("ReaderFunction",), ("sqs:GetQueueAttributes",), "it has no queue")
    report = check(roles, exercising(roles), [*load_unexercised(), stale])
    assert report.stale and "ReaderFunction / sqs:GetQueueAttributes" in report.stale[0]
