"""Reads template.yaml and resolves what the local stack needs from it.

The template stays the single truth: bucket, queues, tables, event bus, event source mappings,
API routes and environment all come from here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


class _CloudFormationLoader(yaml.SafeLoader):
    """A YAML loader that turns short tags (``!Sub``) into their long form (``Fn::Sub``)."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506 - SafeLoader subclass
    return document


@dataclass
class QueueSpec:
    logical_id: str
    name: str
    attributes: dict[str, str]
    dead_letter_of: str | None = None


@dataclass
class TableSpec:
    logical_id: str
    name: str
    properties: dict[str, Any]


@dataclass
class QueueMapping:
    """An SQS event source of a function, as Lambda's event source mapping would run it."""

    function: str
    code_dir: Path
    handler: str
    queue_logical_id: str
    batch_size: int
    timeout: int
    memory_mb: int
    report_batch_item_failures: bool
    # ScalingConfig's MaximumConcurrency: how many invocations the mapping runs at once (None:
    # the template sets no cap).
    maximum_concurrency: int | None = None


@dataclass
class Route:
    method: str
    path: str
    api_key_required: bool
    function: str
    code_dir: Path
    handler: str

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.path))
        return re.compile(f"^{regex}$")


@dataclass
class StackSpec:
    stack_name: str
    bucket_name: str
    bucket_properties: dict[str, Any]
    # The name of the bus the functions put article events on ("" if the template has none).
    event_bus_name: str = ""
    queues: dict[str, QueueSpec] = field(default_factory=dict)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    mappings: list[QueueMapping] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    binary_media_types: list[str] = field(default_factory=list)
    # The headers of each gateway response type (DEFAULT_4XX, INVALID_API_KEY, ...).
    gateway_responses: dict[str, dict[str, str]] = field(default_factory=dict)


class Resolver:
    """Resolves the intrinsic functions the template uses, for one local stack."""

    def __init__(
        self,
        template: dict[str, Any],
        stack_name: str,
        parameter_overrides: dict[str, str] | None = None,
    ) -> None:
        self.template = template
        self.stack_name = stack_name
        self.resources: dict[str, Any] = template.get("Resources", {})
        self.parameters = {
            name: str(spec.get("Default", ""))
            for name, spec in template.get("Parameters", {}).items()
        }
        self.parameters.update(parameter_overrides or {})
        self.pseudo = {
            "AWS::StackName": stack_name,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Region": REGION,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        self.physical: dict[str, str] = {}
        self.arns: dict[str, str] = {}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((function, argument),) = value.items()
            if function == "Ref":
                return self._ref(argument)
            if function == "Fn::Sub":
                return self._sub(argument)
            if function == "Fn::GetAtt":
                return self._get_att(argument)
            if function == "Fn::Join":
                separator, items = argument
                return separator.join(str(self.resolve(item)) for item in self.resolve(items))
            if function == "Fn::Select":
                index, items = argument
                return self.resolve(items)[int(self.resolve(index))]
            if function == "Fn::Split":
                separator, text = argument
                return str(self.resolve(text)).split(separator)
            if function == "Fn::If":
                condition, when_true, when_false = argument
                chosen = when_true if self.condition(condition) else when_false
                return self.resolve(chosen)
        return {key: self.resolve(item) for key, item in value.items()}

    def condition(self, name: str) -> bool:
        return bool(self._evaluate(self.template.get("Conditions", {})[name]))

    def _evaluate(self, expression: Any) -> Any:
        if isinstance(expression, dict) and len(expression) == 1:
            ((function, argument),) = expression.items()
            if function == "Fn::Equals":
                left, right = (self._evaluate(item) for item in argument)
                return left == right
            if function == "Fn::Not":
                return not self._evaluate(argument[0])
            if function == "Fn::And":
                return all(self._evaluate(item) for item in argument)
            if function == "Fn::Or":
                return any(self._evaluate(item) for item in argument)
            if function == "Condition":
                return self.condition(argument)
        return self.resolve(expression)

    def _ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical:
            return self.physical[name]
        return f"{self.stack_name}-{name}"

    def _get_att(self, argument: list[str]) -> str:
        logical_id, attribute = argument
        if attribute == "Arn" and logical_id in self.arns:
            return self.arns[logical_id]
        if attribute == "QueueName" and logical_id in self.physical:
            return self.physical[logical_id].rsplit("/", 1)[-1]
        return f"arn:aws:local:{REGION}:{ACCOUNT_ID}:{logical_id}/{attribute}"

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument
            variables = {key: self.resolve(item) for key, item in variables.items()}
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                return self._get_att(name.split(".", 1))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)


def _function_properties(template: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    merged = dict(template.get("Globals", {}).get("Function", {}))
    for key, value in properties.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    environment = dict(template.get("Globals", {}).get("Function", {}).get("Environment", {}))
    variables = {
        **environment.get("Variables", {}),
        **properties.get("Environment", {}).get("Variables", {}),
    }
    merged["Environment"] = {"Variables": variables}
    return merged


def read_stack(
    template_path: Path, stack_name: str, parameter_overrides: dict[str, str] | None = None
) -> tuple[StackSpec, Resolver]:
    """The local stack's resources, in the order they can be created, with the template's
    parameters at their defaults but for ``parameter_overrides`` (as `sam deploy` takes them)."""
    template = load_template(template_path)
    # The template asks for the stack's name as a parameter too, as samconfig.toml supplies it.
    parameters = {"StackName": stack_name, **(parameter_overrides or {})}
    resolver = Resolver(template, stack_name, parameters)
    root = template_path.parent
    resources = resolver.resources
    bucket_id = next(
        logical_id for logical_id, spec in resources.items() if spec["Type"] == "AWS::S3::Bucket"
    )
    bucket_properties = resources[bucket_id].get("Properties", {})
    bucket_name = str(resolver.resolve(bucket_properties.get("BucketName", bucket_id.lower())))
    resolver.physical[bucket_id] = bucket_name
    resolver.arns[bucket_id] = f"arn:aws:s3:::{bucket_name}"
    spec = StackSpec(stack_name=stack_name, bucket_name=bucket_name, bucket_properties={})

    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::SQS::Queue":
            name = f"{stack_name}-{logical_id}"
            resolver.physical[logical_id] = name
            resolver.arns[logical_id] = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        elif resource["Type"] == "AWS::DynamoDB::Table":
            name = f"{stack_name}-{logical_id}"
            resolver.physical[logical_id] = name
            resolver.arns[logical_id] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}"
        elif resource["Type"] == "AWS::Events::EventBus":
            name = str(resolver.resolve(resource.get("Properties", {}).get("Name", logical_id)))
            spec.event_bus_name = resolver.physical[logical_id] = name
            resolver.arns[logical_id] = f"arn:aws:events:{REGION}:{ACCOUNT_ID}:event-bus/{name}"

    for logical_id, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::SQS::Queue":
            resolved = resolver.resolve(properties)
            attributes = {
                key: str(resolved[key])
                for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds")
                if key in resolved
            }
            queue = QueueSpec(logical_id, resolver.physical[logical_id], attributes)
            if "RedrivePolicy" in resolved:
                policy = resolved["RedrivePolicy"]
                queue.attributes["RedrivePolicy"] = json.dumps(
                    {
                        "deadLetterTargetArn": policy["deadLetterTargetArn"],
                        "maxReceiveCount": str(policy["maxReceiveCount"]),
                    }
                )
            spec.queues[logical_id] = queue
        elif resource["Type"] == "AWS::DynamoDB::Table":
            spec.tables[logical_id] = TableSpec(
                logical_id, resolver.physical[logical_id], resolver.resolve(properties)
            )

    spec.bucket_properties = resolver.resolve(bucket_properties)

    api_key_by_default = False
    for resource in resources.values():
        if resource["Type"] == "AWS::Serverless::Api":
            properties = resolver.resolve(resource.get("Properties", {}))
            spec.binary_media_types = [
                media.replace("~1", "/") for media in properties.get("BinaryMediaTypes", [])
            ]
            api_key_by_default = bool(properties.get("Auth", {}).get("ApiKeyRequired", False))
            spec.gateway_responses = {
                kind: {
                    # A header's value is a quoted literal, as API Gateway mapping values are.
                    name: str(value).strip("'")
                    for name, value in response.get("ResponseParameters", {})
                    .get("Headers", {})
                    .items()
                }
                for kind, response in properties.get("GatewayResponses", {}).items()
            }

    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = _function_properties(template, resource.get("Properties", {}))
        code_dir = root / str(properties["CodeUri"])
        handler = str(properties["Handler"])
        for name, value in resolver.resolve(properties["Environment"]["Variables"]).items():
            if value is None:
                continue
            if spec.environment.get(name, str(value)) != str(value):
                raise ValueError(f"functions disagree on environment variable {name}")
            spec.environment[name] = str(value)
        for event in properties.get("Events", {}).values():
            event_properties = event.get("Properties", {})
            if event["Type"] == "SQS":
                spec.mappings.append(
                    _queue_mapping(
                        resolver,
                        logical_id,
                        properties,
                        code_dir,
                        event_properties["Queue"],
                        event_properties,
                    )
                )
            elif event["Type"] == "Api":
                auth = event_properties.get("Auth", {})
                spec.routes.append(
                    Route(
                        method=str(event_properties["Method"]).upper(),
                        path=str(event_properties["Path"]),
                        api_key_required=bool(auth.get("ApiKeyRequired", api_key_by_default)),
                        function=logical_id,
                        code_dir=code_dir,
                        handler=handler,
                    )
                )
    # Event source mappings declared as resources of their own, for functions of the template.
    for resource in resources.values():
        if resource["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        mapping_properties = resource["Properties"]
        function_id = mapping_properties["FunctionName"]["Ref"]
        function_properties = _function_properties(
            template, resources[function_id].get("Properties", {})
        )
        spec.mappings.append(
            _queue_mapping(
                resolver,
                function_id,
                function_properties,
                root / str(function_properties["CodeUri"]),
                mapping_properties["EventSourceArn"],
                mapping_properties,
            )
        )
    return spec, resolver


def _queue_mapping(
    resolver: Resolver,
    function: str,
    function_properties: dict[str, Any],
    code_dir: Path,
    queue_arn: dict[str, Any],
    properties: dict[str, Any],
) -> QueueMapping:
    """An SQS event source of ``function``, from a function's SQS event or a mapping resource."""
    scaling = resolver.resolve(properties.get("ScalingConfig", {}))
    return QueueMapping(
        function=function,
        code_dir=code_dir,
        handler=str(function_properties["Handler"]),
        queue_logical_id=queue_arn["Fn::GetAtt"][0],
        batch_size=int(resolver.resolve(properties.get("BatchSize", 10))),
        timeout=int(resolver.resolve(function_properties.get("Timeout", 3))),
        memory_mb=int(resolver.resolve(function_properties.get("MemorySize", 128))),
        report_batch_item_failures="ReportBatchItemFailures"
        in properties.get("FunctionResponseTypes", []),
        maximum_concurrency=(
            int(scaling["MaximumConcurrency"]) if "MaximumConcurrency" in scaling else None
        ),
    )
