"""What IAM checks for an SDK call: the action names and the resource ARNs it is authorized on.

Most operations are authorized as ``<service>:<Operation>`` on the resource they name, but not
all: S3 checks ``s3:GetObjectVersion`` for a read of a version, ``s3:GetObject`` for a HEAD,
``s3:ListBucket`` for ListObjectsV2 (and for learning that a key is missing: 404 instead of 403),
``s3:PutObject`` and ``s3:GetObject`` for a copy; a DynamoDB query on an index is authorized on
``table/NAME/index/INDEX``, batch operations on every table they name, transactions as the item
operations they hold; SQS batch calls as their single-message actions; Bedrock's Converse as
``bedrock:InvokeModel``. Sources: the Service Authorization Reference and each service's guide
("Actions, resources, and condition keys for Amazon S3 / DynamoDB / SQS / EventBridge / Bedrock").
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Geography prefixes of cross-region inference profile ids (template.yaml's HasInferenceProfile).
INFERENCE_PROFILE_PREFIXES = ("us", "eu", "apac", "global", "us-gov", "jp", "au", "ca")


@dataclass(frozen=True)
class Requirement:
    """One permission a call needs: an action on a resource, with the request's condition keys."""

    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"action": self.action, "resource": self.resource}
        if self.context:
            found["context"] = dict(self.context)
        return found


@dataclass(frozen=True)
class Place:
    """Where a call goes: the partition, region and account its ARNs are built with."""

    region: str
    account: str
    partition: str = "aws"


# S3 operations authorized under another action name, or as one action for several operations.
S3_OBJECT_ACTIONS = {
    "HeadObject": "s3:GetObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "ListParts": "s3:ListMultipartUploadParts",
}
S3_VERSIONED = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
}
S3_BUCKET_ACTIONS = {
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
}
SQS_ACTIONS = {
    "SendMessageBatch": "sqs:SendMessage",
    "DeleteMessageBatch": "sqs:DeleteMessage",
    "ChangeMessageVisibilityBatch": "sqs:ChangeMessageVisibility",
}
DYNAMODB_TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}
BEDROCK_ACTIONS = {
    "Converse": "bedrock:InvokeModel",
    "InvokeModel": "bedrock:InvokeModel",
    "ConverseStream": "bedrock:InvokeModelWithResponseStream",
    "InvokeModelWithResponseStream": "bedrock:InvokeModelWithResponseStream",
}


def requirements(
    service: str, operation: str, params: Mapping[str, Any], place: Place
) -> list[Requirement]:
    """The permissions IAM checks for ``operation`` of ``service`` (a botocore service name)
    called with ``params``; an operation this module does not know is taken as
    ``<service>:<Operation>`` on every resource ("*"), which no scoped role allows."""
    if service == "s3":
        return _s3(operation, params, place)
    if service == "dynamodb":
        return _dynamodb(operation, params, place)
    if service == "sqs":
        return _sqs(operation, params, place)
    if service == "events":
        return _events(operation, params, place)
    if service == "bedrock-runtime":
        return _bedrock(operation, params, place)
    return [Requirement(f"{service}:{operation}", "*")]


def missing_object_requirement(bucket: str, place: Place) -> Requirement:
    """What a read of a missing key relies on to learn it is missing (404, not 403)."""
    return Requirement("s3:ListBucket", bucket_arn(bucket, place))


def presigned_post_requirement(bucket: str, key: str, place: Place) -> Requirement:
    """A presigned POST is authorized as its signer when the form is posted: a PutObject."""
    return Requirement("s3:PutObject", object_arn(bucket, key, place))


def bucket_arn(bucket: str, place: Place) -> str:
    return f"arn:{place.partition}:s3:::{bucket}"


def object_arn(bucket: str, key: str, place: Place) -> str:
    return f"arn:{place.partition}:s3:::{bucket}/{key}"


def _s3(operation: str, params: Mapping[str, Any], place: Place) -> list[Requirement]:
    bucket = str(params.get("Bucket", "*"))
    if operation in S3_BUCKET_ACTIONS:
        context = {"s3:prefix": str(params["Prefix"])} if "Prefix" in params else {}
        return [Requirement(S3_BUCKET_ACTIONS[operation], bucket_arn(bucket, place), context)]
    if operation == "DeleteObjects":
        return [
            Requirement(
                _versioned("s3:DeleteObject", entry), object_arn(bucket, entry["Key"], place)
            )
            for entry in params.get("Delete", {}).get("Objects", [])
        ]
    if operation == "CopyObject":
        source_bucket, source_key, source_version = _copy_source(params["CopySource"])
        read = "s3:GetObjectVersion" if source_version else "s3:GetObject"
        return [
            Requirement("s3:PutObject", object_arn(bucket, str(params["Key"]), place)),
            Requirement(read, object_arn(source_bucket, source_key, place)),
        ]
    if "Key" in params:
        action = _versioned(S3_OBJECT_ACTIONS.get(operation, f"s3:{operation}"), params)
        return [Requirement(action, object_arn(bucket, str(params["Key"]), place))]
    return [Requirement(f"s3:{operation}", bucket_arn(bucket, place))]


def _versioned(action: str, params: Mapping[str, Any]) -> str:
    return S3_VERSIONED.get(action, action) if params.get("VersionId") else action


def source_bucket(source: Any) -> str:
    """The bucket a CopyObject's ``CopySource`` (a dict or ``bucket/key?versionId=``) names."""
    return _copy_source(source)[0]


def _copy_source(source: Any) -> tuple[str, str, str | None]:
    if isinstance(source, Mapping):
        return str(source["Bucket"]), str(source["Key"]), source.get("VersionId")
    path, _, query = str(source).lstrip("/").partition("?")
    bucket, _, key = urllib.parse.unquote(path).partition("/")
    version = urllib.parse.parse_qs(query).get("versionId", [None])[0]
    return bucket, key, version


def table_arn(table: str, place: Place) -> str:
    if table.startswith("arn:"):
        return table
    return f"arn:{place.partition}:dynamodb:{place.region}:{place.account}:table/{table}"


def _dynamodb(operation: str, params: Mapping[str, Any], place: Place) -> list[Requirement]:
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [
            Requirement(f"dynamodb:{operation}", table_arn(str(table), place))
            for table in params.get("RequestItems", {})
        ]
    if operation in ("TransactWriteItems", "TransactGetItems"):
        found = []
        for item in params.get("TransactItems", []):
            ((kind, request),) = item.items()
            found.append(
                Requirement(DYNAMODB_TRANSACT_ACTIONS[kind], table_arn(request["TableName"], place))
            )
        return found
    if "TableName" not in params:
        return [Requirement(f"dynamodb:{operation}", "*")]
    resource = table_arn(str(params["TableName"]), place)
    if params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    return [Requirement(f"dynamodb:{operation}", resource)]


def queue_arn(url: str, place: Place) -> str:
    """``https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`` (or a local endpoint's
    ``http://host:port/ACCOUNT/NAME``) → ``arn:aws:sqs:REGION:ACCOUNT:NAME``."""
    account, name = urllib.parse.urlparse(url).path.strip("/").split("/")[-2:]
    return f"arn:{place.partition}:sqs:{place.region}:{account}:{name}"


def _sqs(operation: str, params: Mapping[str, Any], place: Place) -> list[Requirement]:
    action = SQS_ACTIONS.get(operation, f"sqs:{operation}")
    if "QueueUrl" in params:
        return [Requirement(action, queue_arn(str(params["QueueUrl"]), place))]
    if "QueueName" in params:
        name = params["QueueName"]
        owner = params.get("QueueOwnerAWSAccountId", place.account)
        return [Requirement(action, f"arn:{place.partition}:sqs:{place.region}:{owner}:{name}")]
    return [Requirement(action, "*")]


def bus_arn(bus: str | None, place: Place) -> str:
    if bus and bus.startswith("arn:"):
        return bus
    return (
        f"arn:{place.partition}:events:{place.region}:{place.account}:event-bus/{bus or 'default'}"
    )


def _events(operation: str, params: Mapping[str, Any], place: Place) -> list[Requirement]:
    if operation == "PutEvents":
        buses = sorted({bus_arn(entry.get("EventBusName"), place) for entry in params["Entries"]})
        return [Requirement("events:PutEvents", bus) for bus in buses]
    if "EventBusName" in params:
        return [Requirement(f"events:{operation}", bus_arn(str(params["EventBusName"]), place))]
    return [Requirement(f"events:{operation}", "*")]


def model_arn(model_id: str, place: Place) -> str:
    """A Bedrock model id as the ARN IAM checks: a foundation model, or the inference profile
    that a geography-prefixed id names."""
    if model_id.startswith("arn:"):
        return model_id
    if model_id.split(".", 1)[0] in INFERENCE_PROFILE_PREFIXES:
        return (
            f"arn:{place.partition}:bedrock:{place.region}:{place.account}:"
            f"inference-profile/{model_id}"
        )
    return f"arn:{place.partition}:bedrock:{place.region}::foundation-model/{model_id}"


def _bedrock(operation: str, params: Mapping[str, Any], place: Place) -> list[Requirement]:
    action = BEDROCK_ACTIONS.get(operation, f"bedrock:{operation}")
    if "modelId" not in params:
        return [Requirement(action, "*")]
    model_id = str(params["modelId"])
    called = model_arn(model_id, place)
    if ":inference-profile/" not in called:
        return [Requirement(action, called)]
    # A profile routes the call to its foundation model in one of its geography's regions, which
    # IAM checks too, with the profile as the request's bedrock:InferenceProfileArn.
    routed = model_arn(called.rsplit("/", 1)[1].split(".", 1)[1], place)
    return [
        Requirement(action, called),
        Requirement(action, routed, {"bedrock:InferenceProfileArn": called}),
    ]
