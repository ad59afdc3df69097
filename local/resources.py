"""Creates the template's bucket, queues, tables and event bus in moto, and wires the bucket's
events."""

from __future__ import annotations

from typing import Any

from local.template import StackSpec


def create_resources(
    spec: StackSpec, s3: Any, sqs: Any, dynamodb: Any, events: Any
) -> dict[str, str]:
    """Creates everything the template declares; returns each queue's URL by logical id."""
    s3.create_bucket(Bucket=spec.bucket_name)
    properties = spec.bucket_properties
    if properties.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        s3.put_bucket_versioning(
            Bucket=spec.bucket_name, VersioningConfiguration={"Status": "Enabled"}
        )
    if "BucketEncryption" in properties:
        # CloudFormation's ServerSideEncryptionByDefault is the API's
        # ApplyServerSideEncryptionByDefault.
        rules = [
            {
                "ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                **(
                    {"BucketKeyEnabled": rule["BucketKeyEnabled"]}
                    if "BucketKeyEnabled" in rule
                    else {}
                ),
            }
            for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        s3.put_bucket_encryption(
            Bucket=spec.bucket_name, ServerSideEncryptionConfiguration={"Rules": rules}
        )
    if "PublicAccessBlockConfiguration" in properties:
        s3.put_public_access_block(
            Bucket=spec.bucket_name,
            PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"],
        )
    if "CorsConfiguration" in properties:
        s3.put_bucket_cors(
            Bucket=spec.bucket_name,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "ID": rule["Id"],
                        "AllowedMethods": rule["AllowedMethods"],
                        "AllowedOrigins": [origin.strip() for origin in rule["AllowedOrigins"]],
                        "AllowedHeaders": rule.get("AllowedHeaders", []),
                        "MaxAgeSeconds": int(rule.get("MaxAge", 0)),
                    }
                    for rule in properties["CorsConfiguration"]["CorsRules"]
                ]
            },
        )

    queue_urls: dict[str, str] = {}
    # Dead-letter queues first: the others name them in their redrive policy.
    for queue in sorted(spec.queues.values(), key=lambda q: "RedrivePolicy" in q.attributes):
        queue_urls[queue.logical_id] = sqs.create_queue(
            QueueName=queue.name, Attributes=queue.attributes
        )["QueueUrl"]

    for table in spec.tables.values():
        _create_table(dynamodb, table.name, table.properties)
    if spec.event_bus_name:
        events.create_event_bus(Name=spec.event_bus_name)

    notification = properties.get("NotificationConfiguration", {})
    queue_configurations = [
        {
            "QueueArn": entry["Queue"],
            "Events": [entry["Event"]],
            "Filter": {
                "Key": {
                    "FilterRules": [
                        {"Name": rule["Name"].lower(), "Value": rule["Value"]}
                        for rule in entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
                    ]
                }
            },
        }
        for entry in notification.get("QueueConfigurations", [])
    ]
    if queue_configurations:
        s3.put_bucket_notification_configuration(
            Bucket=spec.bucket_name,
            NotificationConfiguration={"QueueConfigurations": queue_configurations},
        )
    return queue_urls


def _create_table(dynamodb: Any, name: str, properties: dict[str, Any]) -> None:
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "BillingMode": properties.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if "GlobalSecondaryIndexes" in properties:
        request["GlobalSecondaryIndexes"] = [
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
            for index in properties["GlobalSecondaryIndexes"]
        ]
    dynamodb.create_table(**request)
    ttl = properties.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
        )
