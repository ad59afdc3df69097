"""Checks of template.yaml: cfn-lint with the SAM transform, least privilege, queues, storage."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file
from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"

BUCKET_NAME = "${AWS::StackName}-articles-${AWS::AccountId}-${AWS::Region}"
BUCKET_ARN = "arn:${AWS::Partition}:s3:::" + BUCKET_NAME
OBJECT_ARN = re.compile(re.escape(BUCKET_ARN + "/") + r"(?P<prefix>[a-z]+/)\*")

WORKER_QUEUES = {
    "ParseFunction": "ParseQueue",
    "SummarizeFunction": "SummarizeQueue",
    "IndexFunction": "IndexQueue",
}
DEAD_LETTER_QUEUES = {
    "ParseQueue": "ParseDeadLetterQueue",
    "SummarizeQueue": "SummarizeDeadLetterQueue",
    "IndexQueue": "IndexDeadLetterQueue",
}
FOURTEEN_DAYS = 14 * 24 * 60 * 60

EXPECTED_S3_ACCESS: dict[str, dict[str, set[str]]] = {
    "ParseFunction": {
        "s3:ListBucket": {"(bucket)"},
        "s3:GetObject": {"incoming/"},
        "s3:GetObjectVersion": {"incoming/"},
        "s3:PutObject": {"parsed/", "rejected/"},
        "s3:DeleteObject": {"parsed/", "rejected/"},
    },
    "SummarizeFunction": {
        "s3:ListBucket": {"(bucket)"},
        "s3:GetObject": {"parsed/", "summaries/"},
        "s3:PutObject": {"summaries/"},
        "s3:DeleteObject": {"summaries/"},
    },
    "IndexFunction": {"s3:ListBucket": {"(bucket)"}, "s3:GetObject": {"parsed/", "summaries/"}},
    "ApiFunction": {
        "s3:ListBucket": {"(bucket)"},
        "s3:ListBucketVersions": {"(bucket)"},
        "s3:GetObject": {"parsed/"},
        "s3:GetObjectVersion": {"summaries/"},
        "s3:PutObject": {"incoming/", "summaries/"},
        "s3:DeleteObject": {"incoming/"},
    },
    "ReaderFunction": {"s3:ListBucket": {"(bucket)"}, "s3:GetObject": {"parsed/"}},
}
# Each function's DynamoDB actions on its tables and indexes: what the calls recorded by `make
# test` use (local/iam_check.py fails on any other).
EXPECTED_TABLE_ACCESS: dict[str, set[tuple[str, str]]] = {
    "ParseFunction": {
        ("dynamodb:GetItem", "ArticlesTable"),
        ("dynamodb:UpdateItem", "ArticlesTable"),
        ("dynamodb:DeleteItem", "ArticlesTable"),
        ("dynamodb:BatchGetItem", "ArticlesTable"),
        ("dynamodb:Query", "ArticlesTable/index/SourceKeyIndex"),
        ("dynamodb:PutItem", "IdempotencyTable"),
        ("dynamodb:UpdateItem", "IdempotencyTable"),
        ("dynamodb:DeleteItem", "IdempotencyTable"),
    },
    "SummarizeFunction": {
        ("dynamodb:GetItem", "ArticlesTable"),
        ("dynamodb:UpdateItem", "ArticlesTable"),
        ("dynamodb:PutItem", "IdempotencyTable"),
        ("dynamodb:UpdateItem", "IdempotencyTable"),
        ("dynamodb:DeleteItem", "IdempotencyTable"),
    },
    # Its writes are idempotent by article id: it keeps no idempotency records.
    "IndexFunction": {
        ("dynamodb:GetItem", "ArticlesTable"),
        ("dynamodb:UpdateItem", "ArticlesTable"),
        ("dynamodb:Query", "SearchIndexTable"),
        ("dynamodb:BatchGetItem", "SearchIndexTable"),
        ("dynamodb:BatchWriteItem", "SearchIndexTable"),
        ("dynamodb:PutItem", "SearchIndexTable"),
        ("dynamodb:DeleteItem", "SearchIndexTable"),
    },
    "ApiFunction": {
        ("dynamodb:GetItem", "ArticlesTable"),
        ("dynamodb:UpdateItem", "ArticlesTable"),
        ("dynamodb:Query", "ArticlesTable/index/ListingIndex"),
        ("dynamodb:Query", "ArticlesTable/index/SourceKeyIndex"),
        ("dynamodb:Query", "ArticlesTable/index/UrlIndex"),
        ("dynamodb:Query", "SearchIndexTable"),
        ("dynamodb:BatchGetItem", "SearchIndexTable"),
    },
    # Read-only.
    "ReaderFunction": {
        ("dynamodb:GetItem", "ArticlesTable"),
        ("dynamodb:Query", "ArticlesTable/index/ListingIndex"),
        ("dynamodb:Query", "SearchIndexTable"),
        ("dynamodb:BatchGetItem", "SearchIndexTable"),
    },
}
# The managed policies SAM attaches to every function role (logs, and X-Ray for tracing).
BASIC_MANAGED_POLICIES = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
]
# Actions that AWS only grants on every resource.
WILDCARD_RESOURCE_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "cloudwatch:PutMetricData",
}
EXPECTED_ROUTES = {
    ("GET", "/articles", False),
    ("POST", "/articles", True),
    ("GET", "/articles/{article_id}", False),
    ("DELETE", "/articles/{article_id}", True),
    ("GET", "/articles/{article_id}/summary", False),
    ("PUT", "/articles/{article_id}/summary", True),
    ("POST", "/articles/{article_id}/summary/approve", True),
    ("GET", "/articles/{article_id}/summary/history", True),
    ("GET", "/articles/{article_id}/related", False),
    ("GET", "/articles/{article_id}/neighbors", False),
    ("GET", "/search", False),
    ("POST", "/parse", True),
    ("POST", "/summarize", True),
    ("POST", "/uploads", True),
    ("GET", "/openapi.json", False),
    ("GET", "/swagger", False),
}

Template = dict[str, Any]

# One worker runs this file: the SAM transform and the cfn-lint runs are module fixtures.
pytestmark = pytest.mark.xdist_group("template")


@pytest.fixture(scope="module")
def template() -> Template:
    # A JSON round trip turns cfn-lint's YAML nodes into plain dicts, lists and strings.
    loaded: Template = json.loads(json.dumps(cfn_yaml.load(str(TEMPLATE_PATH))))
    return loaded


def resources_of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def branches(value: Any) -> list[Any]:
    """A value granted under a condition (``Fn::If``) as its branches, without ``NoValue``."""
    if isinstance(value, dict) and "Fn::If" in value:
        _, *chosen = value["Fn::If"]
        return [branch for branch in chosen if branch != {"Ref": "AWS::NoValue"}]
    return [value]


def function_policies(template: Template, function: str) -> list[Any]:
    policies: list[Any] = template["Resources"][function]["Properties"]["Policies"]
    return policies


def inline_statements(template: Template, function: str) -> list[dict[str, Any]]:
    """The function's own statements, including those granted only under a condition."""
    statements: list[dict[str, Any]] = []
    for policy in function_policies(template, function):
        documents = branches(policy)
        statements += [
            branch
            for document in documents
            for statement in document.get("Statement", [])
            for branch in branches(statement)
        ]
    return statements


TABLE_ARN = re.compile(r"\$\{(?P<table>\w+)\.Arn\}(?P<index>/index/\w+)?")


def dynamodb_access(template: Template, function: str) -> set[tuple[str, str]]:
    """Each DynamoDB action of the function with the table (or table/index/NAME) it is on."""
    access = set()
    for statement in inline_statements(template, function):
        actions = [a for a in as_list(statement["Action"]) if a.startswith("dynamodb:")]
        for resource in as_list(statement["Resource"]) if actions else []:
            if "Fn::GetAtt" in resource:
                table, attribute = resource["Fn::GetAtt"]
                assert attribute == "Arn", resource
                named = table
            else:
                match = TABLE_ARN.fullmatch(resource["Fn::Sub"])
                assert match, f"{function}: DynamoDB resource {resource} is not a table or index"
                named = match["table"] + (match["index"] or "")
            access |= {(action, named) for action in actions}
    return access


def all_statements(value: Any) -> Iterator[dict[str, Any]]:
    """Every policy statement anywhere in the template."""
    if isinstance(value, dict):
        if isinstance(value.get("Statement"), list):
            for statement in value["Statement"]:
                yield from branches(statement)
        for item in value.values():
            yield from all_statements(item)
    elif isinstance(value, list):
        for item in value:
            yield from all_statements(item)


def s3_access(template: Template, function: str) -> dict[str, set[str]]:
    """Each S3 action of the function mapped to the key prefixes it is granted on."""
    access: dict[str, set[str]] = {}
    for statement in inline_statements(template, function):
        actions = [action for action in as_list(statement["Action"]) if action.startswith("s3:")]
        if not actions:
            continue
        for resource in as_list(statement["Resource"]):
            bucket_actions = {"s3:ListBucket", "s3:ListBucketVersions"}
            if len(actions) == 1 and actions[0] in bucket_actions:
                assert resource.get("Fn::Sub") == BUCKET_ARN, f"{function}: {resource}"
                access.setdefault(actions[0], set()).add("(bucket)")
                continue
            match = OBJECT_ARN.fullmatch(resource.get("Fn::Sub", ""))
            assert match, f"{function}: S3 resource {resource} is not one prefix of the bucket"
            for action in actions:
                access.setdefault(action, set()).add(match["prefix"])
    return access


def notified_prefixes(template: Template, queue: str) -> set[str]:
    bucket = template["Resources"]["ArticlesBucket"]["Properties"]
    return {
        rule["Value"]
        for configuration in bucket["NotificationConfiguration"]["QueueConfigurations"]
        if configuration["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
        for rule in configuration["Filter"]["S3Key"]["Rules"]
    }


# ---------------------------------------------------------------- cfn-lint


@pytest.fixture(scope="module")
def broken_copy_matches(template: Template, tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """cfn-lint's findings on one copy of the template with several known faults.

    The faults are combined in one copy because each cfn-lint run takes seconds.
    """
    broken = copy.deepcopy(template)
    resources = broken["Resources"]
    # The queue policy naming the bucket by attribute, while the bucket depends on the policy.
    statement = resources["ArticleQueuesPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    statement["Condition"]["ArnEquals"]["aws:SourceArn"] = {"Fn::GetAtt": ["ArticlesBucket", "Arn"]}
    # Messages would reappear in the queue while the function still works on them.
    resources["ParseQueue"]["Properties"]["VisibilityTimeout"] = 30
    del resources["NewsbriefApi"]["Metadata"]["cfn-lint"]
    path = tmp_path_factory.mktemp("broken") / "template.json"
    path.write_text(json.dumps(broken))
    return lint_file(path)


def messages_of(matches: list[Any], code: str) -> list[str]:
    return [str(match.message) for match in matches if match.rule.id == code]


def test_cfn_lint_reports_only_the_known_faults(broken_copy_matches: list[Any]) -> None:
    assert {match.rule.id for match in broken_copy_matches} == {"E3004", "E3505", "W3005"}


def test_cfn_lint_catches_the_bucket_queue_circular_dependency(
    broken_copy_matches: list[Any],
) -> None:
    messages = messages_of(broken_copy_matches, "E3004")
    assert messages
    assert all(
        "ArticlesBucket" in message or "ArticleQueuesPolicy" in message for message in messages
    )


def test_cfn_lint_catches_visibility_shorter_than_function_timeout(
    broken_copy_matches: list[Any],
) -> None:
    assert messages_of(broken_copy_matches, "E3505") == [
        "Queue visibility timeout (30) is less than Function timeout (60) seconds"
    ]


def test_w3005_is_ignored_only_for_sam_usage_plan_resources(
    broken_copy_matches: list[Any],
) -> None:
    messages = messages_of(broken_copy_matches, "W3005")
    assert messages
    # When SAM stops generating these DependsOn, this fails: drop the ignore then.
    assert all("Resources/NewsbriefApiUsagePlan" in message for message in messages)


# ---------------------------------------------------------------- least privilege


def test_no_allow_statement_uses_wildcards_beyond_aws_limits(template: Template) -> None:
    for statement in all_statements(template):
        if statement["Effect"] != "Allow":
            continue
        actions = as_list(statement["Action"])
        assert not [action for action in actions if "*" in action], statement
        if "*" in as_list(statement.get("Resource", [])):
            assert set(actions) <= WILDCARD_RESOURCE_ACTIONS, statement


@pytest.mark.parametrize("function", sorted(EXPECTED_S3_ACCESS))
def test_s3_access_is_limited_to_the_function_prefixes(template: Template, function: str) -> None:
    assert s3_access(template, function) == EXPECTED_S3_ACCESS[function]


@pytest.mark.parametrize("function", sorted(EXPECTED_TABLE_ACCESS))
def test_dynamodb_access_is_limited_to_the_function_tables_and_indexes(
    template: Template, function: str
) -> None:
    assert dynamodb_access(template, function) == EXPECTED_TABLE_ACCESS[function]
    # No SAM policy template (DynamoDBCrudPolicy and the like grant whole action sets).
    assert all(
        "Statement" in policy or "Fn::If" in policy
        for policy in function_policies(template, function)
    )


@pytest.mark.parametrize("function", sorted(EXPECTED_S3_ACCESS))
def test_only_sams_basic_managed_policies_are_attached(
    transformed: Template, function: str
) -> None:
    role = transformed["Resources"][f"{function}Role"]["Properties"]
    # Not AWSLambdaSQSQueueExecutionRole, which reads and deletes from every queue.
    assert role["ManagedPolicyArns"] == BASIC_MANAGED_POLICIES


@pytest.mark.parametrize("function", sorted(EXPECTED_S3_ACCESS))
def test_a_stage_function_polls_only_its_own_queue(template: Template, function: str) -> None:
    polling = [
        statement
        for statement in inline_statements(template, function)
        if any(action.startswith("sqs:") for action in as_list(statement["Action"]))
    ]
    if function not in WORKER_QUEUES:
        assert polling == []
        return
    (statement,) = polling
    assert sorted(as_list(statement["Action"])) == [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    ]
    # Its own queue only: SQS moves failed messages to the dead-letter queue by itself.
    assert statement["Resource"] == {"Fn::GetAtt": [WORKER_QUEUES[function], "Arn"]}


@pytest.mark.parametrize("function", sorted(WORKER_QUEUES))
def test_no_worker_writes_to_the_prefix_that_triggers_it(template: Template, function: str) -> None:
    access = s3_access(template, function)
    written = access.get("s3:PutObject", set()) | access.get("s3:DeleteObject", set())
    assert not written & notified_prefixes(template, WORKER_QUEUES[function])


def test_only_summarize_may_invoke_bedrock_and_only_with_a_model(template: Template) -> None:
    for function in EXPECTED_S3_ACCESS:
        actions = {
            action
            for statement in inline_statements(template, function)
            for action in as_list(statement["Action"])
            if action.startswith("bedrock:")
        }
        assert actions == ({"bedrock:InvokeModel"} if function == "SummarizeFunction" else set())
    (conditional,) = [
        policy for policy in function_policies(template, "SummarizeFunction") if "Fn::If" in policy
    ]
    condition, granted, otherwise = conditional["Fn::If"]
    assert template["Conditions"][condition] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "BedrockModelId"}, ""]}]
    }
    assert otherwise == {"Ref": "AWS::NoValue"}
    model, through_profile = granted["Statement"]
    profile_arn = (
        "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/"
        "${BedrockModelId}"
    )
    # A model id is granted as the foundation model, a profile id as the profile ...
    assert model["Resource"] == {
        "Fn::If": [
            "HasInferenceProfile",
            {"Fn::Sub": profile_arn},
            {
                "Fn::Sub": "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/"
                "${BedrockModelId}"
            },
        ]
    }
    # ... and the models the profile routes to, in any region, only when called through it.
    profile_condition, routed, none = through_profile["Fn::If"]
    assert (profile_condition, none) == ("HasInferenceProfile", {"Ref": "AWS::NoValue"})
    assert routed["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:bedrock:*::foundation-model/*"}
    assert routed["Condition"] == {
        "StringEquals": {"bedrock:InferenceProfileArn": {"Fn::Sub": profile_arn}}
    }


@pytest.mark.parametrize(
    ("model_id", "is_profile"),
    [
        ("amazon.nova-lite-v1:0", False),
        ("anthropic.claude-3-haiku-20240307-v1:0", False),
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", True),
        ("eu.amazon.nova-lite-v1:0", True),
        ("apac.amazon.nova-pro-v1:0", True),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", True),
    ],
)
def test_inference_profile_ids_are_told_from_model_ids(
    template: Template, model_id: str, is_profile: bool
) -> None:
    from local.template import Resolver

    resolver = Resolver(template, "newsbrief")
    resolver.parameters["BedrockModelId"] = model_id
    assert resolver.condition("HasInferenceProfile") is is_profile


# ---------------------------------------------------------------- queues


def test_every_work_queue_has_its_own_dead_letter_queue(template: Template) -> None:
    queues = resources_of_type(template, "AWS::SQS::Queue")
    assert set(queues) == set(DEAD_LETTER_QUEUES) | set(DEAD_LETTER_QUEUES.values())
    for queue, dead_letter_queue in DEAD_LETTER_QUEUES.items():
        assert queues[queue]["Properties"]["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dead_letter_queue, "Arn"]},
            "maxReceiveCount": 5,
        }
        dead_letter_properties = queues[dead_letter_queue]["Properties"]
        assert "RedrivePolicy" not in dead_letter_properties
        assert dead_letter_properties["MessageRetentionPeriod"] == FOURTEEN_DAYS


def test_every_queue_is_encrypted(template: Template) -> None:
    for queue in resources_of_type(template, "AWS::SQS::Queue").values():
        properties = queue["Properties"]
        assert properties.get("SqsManagedSseEnabled") is True or "KmsMasterKeyId" in properties


@pytest.mark.parametrize("bedrock", [False, True])
@pytest.mark.parametrize("function", sorted(WORKER_QUEUES))
def test_queue_visibility_outlasts_its_function(
    template: Template, function: str, bedrock: bool
) -> None:
    from local.template import Resolver

    resolver = Resolver(template, "newsbrief")
    resolver.parameters["BedrockModelId"] = "amazon.nova-lite-v1:0" if bedrock else ""
    properties = resolver.resolve(template["Resources"][function]["Properties"])
    assert "Events" not in properties
    # The function's one event source mapping, declared apart so that its role polls one queue.
    (mapping,) = [
        resource
        for resource in resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
        if resource["Properties"]["FunctionName"] == {"Ref": function}
    ]
    source = resolver.resolve(mapping["Properties"])
    queue = WORKER_QUEUES[function]
    assert source["EventSourceArn"] == resolver.resolve({"Fn::GetAtt": [queue, "Arn"]})
    # The index's writes are per batch: it takes the largest batches; Bedrock takes seconds an
    # article, so the summarize stage takes small ones when a model is on.
    expected_batch = {"IndexFunction": 100, "SummarizeFunction": 3 if bedrock else 10}
    assert source["BatchSize"] == expected_batch.get(function, 10)
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    visibility = resolver.resolve(template["Resources"][queue]["Properties"])["VisibilityTimeout"]
    # AWS's advice for Lambda event sources: six function timeouts plus the batching window.
    assert visibility >= 6 * properties["Timeout"] + source["MaximumBatchingWindowInSeconds"]


def test_only_the_articles_bucket_may_send_to_the_work_queues(template: Template) -> None:
    policy = template["Resources"]["ArticleQueuesPolicy"]["Properties"]
    assert policy["Queues"] == [{"Ref": queue} for queue in DEAD_LETTER_QUEUES]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Fn::Sub": BUCKET_ARN}},
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
    }


# ---------------------------------------------------------------- storage


def test_each_prefix_notifies_its_stage_queue(template: Template) -> None:
    bucket = template["Resources"]["ArticlesBucket"]
    assert bucket["DependsOn"] == "ArticleQueuesPolicy"
    notifications = bucket["Properties"]["NotificationConfiguration"]
    assert set(notifications) == {"QueueConfigurations"}
    wired = {
        (configuration["Event"], rule["Value"], configuration["Queue"]["Fn::GetAtt"][0])
        for configuration in notifications["QueueConfigurations"]
        for rule in configuration["Filter"]["S3Key"]["Rules"]
        if rule["Name"] == "prefix"
    }
    assert len(wired) == len(notifications["QueueConfigurations"])
    assert wired == {
        (event, prefix, queue)
        for prefix, queue in [
            ("incoming/", "ParseQueue"),
            ("parsed/", "SummarizeQueue"),
            ("summaries/", "IndexQueue"),
        ]
        for event in ("s3:ObjectCreated:*", "s3:ObjectRemoved:*")
    }


def test_bucket_is_private_encrypted_and_versioned(template: Template) -> None:
    properties = template["Resources"]["ArticlesBucket"]["Properties"]
    assert properties["BucketName"] == {"Fn::Sub": BUCKET_NAME}
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}


def test_bucket_policy_denies_insecure_transport(template: Template) -> None:
    policy = template["Resources"]["ArticlesBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "ArticlesBucket"}
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == "*"
    assert statement["Action"] == "s3:*"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert {resource["Fn::Sub"] for resource in statement["Resource"]} == {
        "arn:${AWS::Partition}:s3:::${ArticlesBucket}",
        "arn:${AWS::Partition}:s3:::${ArticlesBucket}/*",
    }


def test_functions_name_the_bucket_as_the_bucket_does(template: Template) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["ARTICLES_BUCKET"] == {"Fn::Sub": BUCKET_NAME}


def test_tables_are_on_demand_recoverable_and_encrypted(template: Template) -> None:
    tables = resources_of_type(template, "AWS::DynamoDB::Table")
    assert set(tables) == {"ArticlesTable", "SearchIndexTable", "IdempotencyTable"}
    for table in tables.values():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST"
        assert properties["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }
        assert properties["SSESpecification"]["SSEEnabled"] is True
    assert tables["IdempotencyTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expiration",
        "Enabled": True,
    }


# ---------------------------------------------------------------- API and build


def test_api_routes_and_their_api_keys(template: Template) -> None:
    api = template["Resources"]["NewsbriefApi"]["Properties"]
    assert api["Auth"]["ApiKeyRequired"] is False
    assert api["Auth"]["UsagePlan"]["CreateUsagePlan"] == "PER_API"
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"].values()
    assert all(event["Properties"]["RestApiId"] == {"Ref": "NewsbriefApi"} for event in events)
    routes = {
        (
            event["Properties"]["Method"],
            event["Properties"]["Path"],
            event["Properties"].get("Auth", {}).get("ApiKeyRequired", False),
        )
        for event in events
    }
    assert len(routes) == len(events)
    # Preflights carry no API key, whatever the route they ask about requires.
    assert routes == EXPECTED_ROUTES | {
        ("OPTIONS", path, False) for path in {path for _, path, _ in EXPECTED_ROUTES}
    } - {("OPTIONS", "/openapi.json", False), ("OPTIONS", "/swagger", False)}


def test_reader_pages_are_public_reads_of_the_same_api(template: Template) -> None:
    events = template["Resources"]["ReaderFunction"]["Properties"]["Events"].values()
    routes = {
        (
            event["Properties"]["RestApiId"]["Ref"],
            event["Properties"]["Method"],
            event["Properties"]["Path"],
            event["Properties"].get("Auth", {}).get("ApiKeyRequired", False),
        )
        for event in events
    }
    paths = ["/", "/read/{article_id}", "/read/{article_id}/summary", "/find"]
    paths += ["/static/{name}", "/widget.js"]
    assert routes == {("NewsbriefApi", "GET", path, False) for path in paths}
    actions = {
        action
        for statement in inline_statements(template, "ReaderFunction")
        for action in as_list(statement["Action"])
    }
    # Reads only.
    assert actions == {
        "s3:ListBucket",
        "s3:GetObject",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
    }


def test_every_makefile_build_has_its_target(template: Template) -> None:
    built = {
        logical_id: resource["Properties"].get("CodeUri") or resource["Properties"]["ContentUri"]
        for logical_id, resource in template["Resources"].items()
        if resource.get("Metadata", {}).get("BuildMethod") == "makefile"
    }
    assert set(built) == {"SharedLayer", *EXPECTED_S3_ACCESS}
    for logical_id, code_dir in built.items():
        makefile = (ROOT / code_dir / "Makefile").read_text()
        assert re.search(rf"^build-{logical_id}:", makefile, re.MULTILINE), code_dir


# ---------------------------------------------------------------- operations


def test_public_reads_are_rate_limited_per_client_address(template: Template) -> None:
    acl = template["Resources"]["PublicReadWebAcl"]
    association = template["Resources"]["PublicReadWebAclAssociation"]
    assert acl["Condition"] == association["Condition"] == "HasPublicReadRateLimit"
    assert template["Conditions"]["HasPublicReadRateLimit"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "PublicReadRateLimit"}, 0]}]
    }
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert acl["Properties"]["DefaultAction"] == {"Allow": {}}
    (rule,) = acl["Properties"]["Rules"]
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["Limit"] == {"Ref": "PublicReadRateLimit"}
    assert rate["AggregateKeyType"] == "IP"
    scope = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert (scope["FieldToMatch"], scope["SearchString"]) == ({"Method": {}}, "GET")
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": ["PublicReadWebAcl", "Arn"]}
    stage_arn = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert stage_arn.endswith("/restapis/${NewsbriefApi}/stages/${NewsbriefApi.Stage}")
    body = json.loads(acl["Properties"]["CustomResponseBodies"]["throttled"]["Content"])
    assert body["error"]["code"] == "throttled"


def alarms(template: Template) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in resources_of_type(template, "AWS::CloudWatch::Alarm").items()
    }


def alarm_on(template: Template, namespace: str, metric: str, dimension: Any) -> dict[str, Any]:
    """The one alarm that watches ``metric`` of the resource named by ``dimension``."""
    found = [
        properties
        for properties in alarms(template).values()
        if properties.get("Namespace") == namespace
        and properties.get("MetricName") == metric
        and [d["Value"] for d in properties["Dimensions"]] == [dimension]
    ]
    assert len(found) == 1, (namespace, metric, dimension, found)
    return found[0]


def test_every_alarm_notifies_the_alarm_topic_and_clears(template: Template) -> None:
    assert template["Resources"]["AlarmTopic"]["Type"] == "AWS::SNS::Topic"
    assert len(alarms(template)) >= 16
    for logical_id, properties in alarms(template).items():
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}], logical_id
        assert properties["OKActions"] == [{"Ref": "AlarmTopic"}], logical_id
        assert properties["TreatMissingData"] == "notBreaching", logical_id
        assert properties["ComparisonOperator"] == "GreaterThanThreshold", logical_id


def test_the_alarm_email_subscribes_only_when_given(template: Template) -> None:
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {
        "TopicArn": {"Ref": "AlarmTopic"},
        "Protocol": "email",
        "Endpoint": {"Ref": "AlarmEmail"},
    }
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    assert template["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }


@pytest.mark.parametrize("dead_letter_queue", sorted(DEAD_LETTER_QUEUES.values()))
def test_any_dead_letter_raises_an_alarm(template: Template, dead_letter_queue: str) -> None:
    alarm = alarm_on(
        template,
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        {"Fn::GetAtt": [dead_letter_queue, "QueueName"]},
    )
    assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Maximum", 60, 1)
    assert alarm["Threshold"] == 0


@pytest.mark.parametrize("queue", sorted(DEAD_LETTER_QUEUES))
def test_a_stage_queue_falling_behind_raises_an_alarm(template: Template, queue: str) -> None:
    alarm = alarm_on(
        template, "AWS/SQS", "ApproximateAgeOfOldestMessage", {"Fn::GetAtt": [queue, "QueueName"]}
    )
    assert alarm["Statistic"] == "Maximum"
    assert alarm["Threshold"] == {"Ref": "QueueAgeAlarmSeconds"}
    assert template["Parameters"]["QueueAgeAlarmSeconds"]["Default"] == 900


def test_every_function_alarms_on_errors_and_throttles(template: Template) -> None:
    functions = resources_of_type(template, "AWS::Serverless::Function")
    assert functions
    for function in functions:
        for metric in ("Errors", "Throttles"):
            alarm = alarm_on(template, "AWS/Lambda", metric, {"Ref": function})
            assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 0), (function, metric)


def metric_stats(alarm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {query["Id"]: query["MetricStat"] for query in alarm["Metrics"] if "MetricStat" in query}


def test_api_5xx_rate_raises_an_alarm(template: Template) -> None:
    alarm = alarms(template)["ApiServerErrorsAlarm"]
    (returned,) = [query for query in alarm["Metrics"] if query.get("ReturnData")]
    assert returned["Expression"] == "100 * errors"
    errors = metric_stats(alarm)["errors"]
    assert errors["Stat"] == "Average"
    assert errors["Metric"]["Namespace"] == "AWS/ApiGateway"
    assert errors["Metric"]["MetricName"] == "5XXError"
    assert errors["Metric"]["Dimensions"] == [
        {"Name": "ApiName", "Value": {"Ref": "AWS::StackName"}},
        {
            "Name": "Stage",
            "Value": template["Resources"]["NewsbriefApi"]["Properties"]["StageName"],
        },
    ]
    assert alarm["Threshold"] == {"Ref": "ApiErrorRatePercent"}


def test_bedrock_fallbacks_raise_an_alarm_that_reads_every_reason(template: Template) -> None:
    from newsbrief.summarizing.bedrock import FALLBACK_METRIC, FALLBACK_REASONS

    resource = template["Resources"]["BedrockFallbackAlarm"]
    assert resource["Condition"] == "HasBedrockModel"
    alarm = resource["Properties"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    service = {"Name": "service", "Value": variables["POWERTOOLS_SERVICE_NAME"]}
    stats = metric_stats(alarm)
    for reason in FALLBACK_REASONS:
        metric = stats[reason]["Metric"]
        assert metric["Namespace"] == variables["POWERTOOLS_METRICS_NAMESPACE"]
        assert metric["MetricName"] == FALLBACK_METRIC
        assert metric["Dimensions"] == [service, {"Name": "reason", "Value": reason}]
        assert stats[reason]["Stat"] == "Sum"
    assert stats["summarized"]["Metric"]["MetricName"] == "ArticlesSummarized"
    assert set(stats) == {*FALLBACK_REASONS, "summarized"}
    (returned,) = [query for query in alarm["Metrics"] if query.get("ReturnData")]
    assert all(f"FILL({reason}, 0)" in returned["Expression"] for reason in FALLBACK_REASONS)
    assert alarm["Threshold"] == {"Ref": "BedrockFallbackPercent"}


def test_the_dashboard_shows_every_queue_function_and_table(template: Template) -> None:
    dashboard = template["Resources"]["PipelineDashboard"]["Properties"]
    body = dashboard["DashboardBody"]["Fn::Sub"]
    references = set(re.findall(r"\$\{([^}]+)\}", body))
    # Every placeholder is a pseudo parameter, a resource or a resource's attribute.
    for reference in references:
        name = reference.split(".", 1)[0]
        assert name.startswith("AWS::") or name in template["Resources"], reference
    parsed = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))
    titles = [widget["properties"].get("title") for widget in parsed["widgets"]]
    assert "Dead-letter queues" in titles and "Bedrock fallbacks by reason" in titles
    for queue, dead_letter_queue in DEAD_LETTER_QUEUES.items():
        assert {f"{queue}.QueueName", f"{dead_letter_queue}.QueueName"} <= references
    for function in resources_of_type(template, "AWS::Serverless::Function"):
        assert function in references
    for table in resources_of_type(template, "AWS::DynamoDB::Table"):
        assert table in references
    assert dashboard["DashboardName"] == {"Fn::Sub": "${AWS::StackName}-${AWS::Region}-pipeline"}


def test_stack_deletion_keeps_the_bucket_and_the_tables(template: Template) -> None:
    kept = {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource.get("DeletionPolicy") == "Retain"
        and resource.get("UpdateReplacePolicy") == "Retain"
    }
    # Beside the data, the account-wide API Gateway logging role that other APIs rely on.
    assert kept == {
        "ArticlesBucket",
        "ArticlesTable",
        "SearchIndexTable",
        "IdempotencyTable",
        "ApiGatewayCloudWatchRole",
        "ApiGatewayAccount",
    }
    for table in resources_of_type(template, "AWS::DynamoDB::Table").values():
        assert table["Properties"]["DeletionProtectionEnabled"] == {
            "Ref": "TableDeletionProtection"
        }
    assert template["Parameters"]["TableDeletionProtection"]["Default"] == "true"


def test_the_bucket_name_is_unique_per_account_and_region(template: Template) -> None:
    name = template["Resources"]["ArticlesBucket"]["Properties"]["BucketName"]["Fn::Sub"]
    assert {"${AWS::StackName}", "${AWS::AccountId}", "${AWS::Region}"} <= set(
        re.findall(r"\$\{[^}]+\}", name)
    )
    # 63 characters at most: 26 for the stack name leaves room for the longest region names.
    longest = name.replace("${AWS::StackName}", "s" * 26).replace("${AWS::AccountId}", "1" * 12)
    assert len(longest.replace("${AWS::Region}", "ap-southeast-5")) <= 63


@pytest.fixture(scope="module")
def transformed(monkeypatch_module: pytest.MonkeyPatch) -> Template:
    """The template after the SAM transform, as CloudFormation receives it."""
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    monkeypatch_module.setenv("AWS_DEFAULT_REGION", "us-east-1")
    document = yaml_parse(TEMPLATE_PATH.read_text())
    for resource in document["Resources"].values():
        properties = resource.get("Properties", {})
        for uri in ("CodeUri", "ContentUri"):
            if uri in properties:  # `sam build` puts the built code here
                properties[uri] = "s3://bucket/key"

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    result: Template = transform(document, {}, NoManagedPolicies())
    return result


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_the_api_alarms_name_the_api_as_sam_does(template: Template, transformed: Template) -> None:
    # API Gateway's metrics carry the REST API's name: SAM names it after the stack.
    body = transformed["Resources"]["NewsbriefApi"]["Properties"]["Body"]
    assert "Name" not in transformed["Resources"]["NewsbriefApi"]["Properties"]
    assert body["info"]["title"] == {"Ref": "AWS::StackName"}
    stage = template["Resources"]["NewsbriefApi"]["Properties"]["StageName"]
    stage_id = f"NewsbriefApi{stage}Stage"
    assert transformed["Resources"][stage_id]["Properties"]["StageName"] == stage
    # The web ACL is attached to that stage once it exists.
    association = transformed["Resources"]["PublicReadWebAclAssociation"]["Properties"]
    assert association["ResourceArn"]["Fn::Sub"].endswith(f"/stages/${{{stage_id}}}")


# ---------------------------------------------------------------- names, logs, CORS, limits


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("newsbrief", True),
        ("a", True),
        ("news-brief-2", True),
        ("s" * 26, True),
        ("s" * 27, False),
        ("NewsBrief", False),
        ("-newsbrief", False),
        ("newsbrief-", False),
        ("news_brief", False),
    ],
)
def test_the_stack_name_rule_is_enforced(template: Template, name: str, accepted: bool) -> None:
    parameter = template["Parameters"]["StackName"]
    assert "Default" not in parameter
    assert bool(re.fullmatch(parameter["AllowedPattern"], name)) is accepted
    # The rule ties the checked parameter to the stack's real name.
    (assertion,) = template["Rules"]["StackNameMatchesTheStack"]["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": "StackName"}, {"Ref": "AWS::StackName"}]}


def test_samconfig_supplies_the_stack_name_parameter() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "samconfig.toml").read_text())
    stack = config["default"]["global"]["parameters"]["stack_name"]
    overrides = config["default"]["deploy"]["parameters"]["parameter_overrides"]
    assert f'StackName="{stack}"' in overrides


def test_api_access_logs_go_to_their_log_group_once_the_account_role_is_set(
    template: Template, transformed: Template
) -> None:
    resources = template["Resources"]
    setting = resources["NewsbriefApi"]["Properties"]["AccessLogSetting"]["Fn::If"]
    assert setting[0] == "HasApiAccessLogs"
    assert setting[1]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    assert json.loads(setting[1]["Format"])["status"] == "$context.status"
    assert setting[2] == {"Ref": "AWS::NoValue"}
    assert resources["ApiAccessLogGroup"]["Properties"]["RetentionInDays"] == 30
    role = resources["ApiGatewayCloudWatchRole"]
    assert role["Condition"] == resources["ApiGatewayAccount"]["Condition"]
    assert role["Properties"]["ManagedPolicyArns"][0]["Fn::Sub"].endswith(
        "policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    )
    account = resources["ApiGatewayAccount"]
    assert account["Properties"]["CloudWatchRoleArn"] == {
        "Fn::GetAtt": ["ApiGatewayCloudWatchRole", "Arn"]
    }
    # The account setting serves every API of the account and region: kept on deletion.
    assert account["DeletionPolicy"] == role["DeletionPolicy"] == "Retain"
    # The stage waits for the account setting when the stack makes it.
    ready = resources["ApiLoggingRoleReady"]["Metadata"]["AccountSettings"]["Fn::If"]
    assert ready == [account["Condition"], {"Ref": "ApiGatewayAccount"}, ""]
    assert transformed["Resources"]["NewsbriefApi"]["DependsOn"] == "ApiLoggingRoleReady"
    assert set(template["Parameters"]["ApiAccessLogs"]["AllowedValues"]) == {
        "create-role",
        "account-role",
        "off",
    }


def test_every_gateway_error_is_readable_cross_origin(template: Template) -> None:
    responses = template["Resources"]["NewsbriefApi"]["Properties"]["GatewayResponses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "INVALID_API_KEY", "THROTTLED"} <= set(responses)
    for kind, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers == {"Access-Control-Allow-Origin": "'*'"}, kind


def test_preflights_reach_the_api_function_for_each_of_its_paths(template: Template) -> None:
    # The function's CORS configuration answers every allowed origin; the gateway's would
    # answer one only.
    assert "Cors" not in template["Resources"]["NewsbriefApi"]["Properties"]
    events = template["Resources"]["ApiFunction"]["Properties"]["Events"].values()
    preflights = {e["Properties"]["Path"] for e in events if e["Properties"]["Method"] == "OPTIONS"}
    routes = {
        path for method, path, _ in EXPECTED_ROUTES if path not in ("/openapi.json", "/swagger")
    }
    assert preflights == routes
    reader_events = template["Resources"]["ReaderFunction"]["Properties"]["Events"].values()
    assert all(e["Properties"]["Method"] == "GET" for e in reader_events)


def test_the_bucket_takes_presigned_forms_from_the_allowed_origins(template: Template) -> None:
    (rule,) = template["Resources"]["ArticlesBucket"]["Properties"]["CorsConfiguration"][
        "CorsRules"
    ]
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}


def test_old_layer_versions_are_deleted(template: Template) -> None:
    assert template["Resources"]["SharedLayer"]["Properties"]["RetentionPolicy"] == "Delete"


def test_default_concurrency_fits_a_new_account(template: Template) -> None:
    parameters = template["Parameters"]
    stage_limit = parameters["StageMaximumConcurrency"]
    mappings = resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
    assert {mapping["Properties"]["FunctionName"]["Ref"] for mapping in mappings} == set(
        WORKER_QUEUES
    )
    for mapping in mappings:
        scaling = mapping["Properties"]["ScalingConfig"]
        assert scaling["MaximumConcurrency"] == {"Ref": "StageMaximumConcurrency"}
    # Lambda's lowest MaximumConcurrency is 2; a new account runs 10 at once in all, and the
    # API and reader functions need some of them.
    assert stage_limit["MinValue"] == 2
    assert 3 * stage_limit["Default"] <= 10 - 4
    reserved = template["Resources"]["ApiFunction"]["Properties"]["ReservedConcurrentExecutions"]
    assert reserved["Fn::If"] == [
        "HasApiReservedConcurrency",
        {"Ref": "ApiReservedConcurrency"},
        {"Ref": "AWS::NoValue"},
    ]
    assert parameters["ApiReservedConcurrency"]["Default"] == 0


# ---------------------------------------------------------------- events for the newsroom

ANNOUNCING_FUNCTIONS = ("ParseFunction", "SummarizeFunction", "IndexFunction", "ApiFunction")


def test_each_stack_has_its_own_bus_named_in_every_functions_environment(
    template: Template,
) -> None:
    assert list(resources_of_type(template, "AWS::Events::EventBus")) == ["NewsroomEventBus"]
    bus = template["Resources"]["NewsroomEventBus"]["Properties"]
    assert bus["Name"] == {"Fn::Sub": "${AWS::StackName}-newsroom"}
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["EVENT_BUS_NAME"] == {"Ref": "NewsroomEventBus"}
    assert template["Outputs"]["NewsroomEventBusName"]["Value"] == {"Ref": "NewsroomEventBus"}


@pytest.mark.parametrize("function", sorted(EXPECTED_S3_ACCESS))
def test_a_function_may_put_events_on_its_own_bus_only(template: Template, function: str) -> None:
    granted = [
        statement
        for statement in inline_statements(template, function)
        if any(action.startswith("events:") for action in as_list(statement["Action"]))
    ]
    if function not in ANNOUNCING_FUNCTIONS:
        assert granted == []
        return
    assert [(s["Effect"], s["Action"], s["Resource"]) for s in granted] == [
        ("Allow", "events:PutEvents", {"Fn::GetAtt": ["NewsroomEventBus", "Arn"]})
    ]


def test_the_stages_link_events_to_the_api_without_a_circular_dependency(
    template: Template,
) -> None:
    """The API depends on the functions its routes invoke: only the others may name it."""
    api_url = {"Fn::Sub": "https://${NewsbriefApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/v1"}
    for function in WORKER_QUEUES:
        variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert variables["API_URL"] == api_url
    for function in ("ApiFunction", "ReaderFunction"):
        properties = template["Resources"][function]["Properties"]
        assert "API_URL" not in properties.get("Environment", {}).get("Variables", {})
    assert "API_URL" not in template["Globals"]["Function"]["Environment"]["Variables"]
