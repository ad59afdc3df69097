"""``python -m local.iam_check DIR``: checks the AWS calls each function made (recorded into DIR
by local/call_recorder.py) against the role template.yaml gives it.

The roles are what CloudFormation would create: the template goes through aws-sam-translator
(SAM's policy templates expanded, the managed policies SAM attaches named), its intrinsic
functions are resolved for the local stack's names, and the managed policies' statements come
from local/managed_policies.yaml. Each recorded permission is evaluated against its function's
statements (local/iam_policy.py). The check fails on:

- a call the role would not allow, naming the function, the call and the statement it lacks;
- a granted action (on one resource pattern of one statement) that no recorded call used,
  unless local/iam_unexercised.yaml lists it with the reason no test can exercise it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from local.iam_actions import Requirement
from local.iam_policy import Statement, evaluate, matches
from local.template import REGION, read_stack

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
STACK_NAME = "newsbrief"
MANAGED_POLICIES = Path(__file__).with_name("managed_policies.yaml")
UNEXERCISED = Path(__file__).with_name("iam_unexercised.yaml")
DEFAULT_CALLS = ROOT / ".iam-calls"


@dataclass(frozen=True)
class RecordedCall:
    function: str
    call: str
    requirement: Requirement
    via: str | None = None


@dataclass(frozen=True)
class Grant:
    """One action on one resource pattern, as one Allow statement of a role grants it."""

    function: str
    action: str
    resource: str
    statement: Statement


@dataclass(frozen=True)
class Unexercised:
    """A grant no test can exercise, and why."""

    functions: tuple[str, ...]
    actions: tuple[str, ...]
    reason: str

    def covers(self, grant: Grant) -> bool:
        return ("*" in self.functions or grant.function in self.functions) and any(
            action.lower() == grant.action.lower() for action in self.actions
        )


@dataclass
class Report:
    denied: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    excused: list[tuple[Grant, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.denied or self.unused or self.stale)


# ---------------------------------------------------------------- the roles


def _translated(template_path: Path) -> dict[str, Any]:
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    # The translator builds ARNs for the region's partition and logs notes on its feature flags.
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    document = yaml_parse(template_path.read_text())
    for resource in document["Resources"].values():
        properties = resource.get("Properties", {})
        for uri in ("CodeUri", "ContentUri"):
            if uri in properties:  # `sam build` puts the built code's location here
                properties[uri] = "s3://bucket/key"

    class NamedManagedPolicies:
        """SAM asks for the ARNs of managed policies named in Policies: none are."""

        def load(self) -> dict[str, str]:
            return {}

    translated: dict[str, Any] = transform(document, {}, NamedManagedPolicies())
    return translated


def load_managed_policies(path: Path = MANAGED_POLICIES) -> dict[str, list[dict[str, Any]]]:
    policies: dict[str, list[dict[str, Any]]] = yaml.safe_load(path.read_text())
    return policies


def function_roles(
    template_path: Path = TEMPLATE,
    stack_name: str = STACK_NAME,
    parameters: Mapping[str, str] | None = None,
    managed_policies: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, list[Statement]]:
    """Each function's role as the statements it holds, resolved for ``stack_name``."""
    translated = _translated(template_path)
    _, resolver = read_stack(template_path, stack_name, dict(parameters or {}))
    managed = load_managed_policies() if managed_policies is None else managed_policies
    roles: dict[str, list[Statement]] = {}
    for logical_id, resource in translated["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        role_id = resource["Properties"]["Role"]["Fn::GetAtt"][0]
        role = translated["Resources"][role_id]["Properties"]
        statements: list[Statement] = []
        for policy in role.get("Policies", []):
            resolved = resolver.resolve(policy)
            if resolved is None:
                continue
            for document in _without_novalue(resolved["PolicyDocument"]["Statement"]):
                statements.append(Statement.from_json(document, resolved["PolicyName"]))
        for arn in resolver.resolve(role.get("ManagedPolicyArns", [])):
            if arn not in managed:
                raise KeyError(f"{logical_id}: no statements known for managed policy {arn}")
            name = arn.rsplit("/", 1)[-1]
            statements += [Statement.from_json(document, name) for document in managed[arn]]
        roles[logical_id] = statements
    return roles


def _without_novalue(value: Any) -> Any:
    """A resolved document without the ``None`` left by ``AWS::NoValue``."""
    if isinstance(value, list):
        return [_without_novalue(item) for item in value if item is not None]
    if isinstance(value, dict):
        return {key: _without_novalue(item) for key, item in value.items() if item is not None}
    return value


def grants(function: str, statements: Iterable[Statement]) -> list[Grant]:
    """Each action of each Allow statement on each of its resource patterns."""
    return [
        Grant(function, action, resource, statement)
        for statement in statements
        if statement.effect == "Allow" and not statement.not_action
        for action in statement.actions
        for resource in statement.resources
    ]


# ---------------------------------------------------------------- the calls


def read_calls(folder: Path) -> list[RecordedCall]:
    calls = []
    for path in sorted(folder.glob("calls-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                # A process killed in the middle of a line (as a test's SIGKILL does) leaves
                # that line cut short; the permission it held is recorded by other calls.
                print(f"iam-check: skipped a cut-short line in {path.name}", file=sys.stderr)
                continue
            requirement = Requirement(entry["action"], entry["resource"], entry.get("context", {}))
            calls.append(
                RecordedCall(entry["function"], entry["call"], requirement, entry.get("via"))
            )
    return calls


def load_unexercised(path: Path = UNEXERCISED) -> list[Unexercised]:
    return [
        Unexercised(
            functions=tuple(entry["functions"]),
            actions=tuple(entry["actions"]),
            reason=str(entry["reason"]),
        )
        for entry in yaml.safe_load(path.read_text()) or []
    ]


# ---------------------------------------------------------------- the check


def _suggested_resource(resource: str) -> str:
    """The pattern a missing statement would name: an S3 key's first folder, else the ARN."""
    if resource.startswith("arn:aws:s3:::") and "/" in resource:
        bucket, _, key = resource.partition("/")
        folder, slash, _ = key.partition("/")
        return f"{bucket}/{folder}/*" if slash else resource
    return resource


def _describe(call: RecordedCall) -> str:
    via = f" (by Lambda's {call.via})" if call.via else ""
    return f"{call.call}{via}"


def check(
    roles: Mapping[str, Sequence[Statement]],
    calls: Iterable[RecordedCall],
    unexercised: Sequence[Unexercised] = (),
) -> Report:
    report = Report()
    by_function: dict[str, list[RecordedCall]] = defaultdict(list)
    for call in calls:
        by_function[call.function].append(call)

    # Denied calls, one message per function, action and suggested resource pattern.
    denied: dict[tuple[str, str, str], list[RecordedCall]] = defaultdict(list)
    allowed: dict[str, list[RecordedCall]] = defaultdict(list)
    for function, function_calls in sorted(by_function.items()):
        statements = roles.get(function)
        for call in function_calls:
            if statements is None:
                denied[(function, call.requirement.action, "(no role)")].append(call)
                continue
            decision = evaluate(statements, call.requirement)
            if decision.allowed:
                allowed[function].append(call)
            else:
                pattern = _suggested_resource(call.requirement.resource)
                denied[(function, call.requirement.action, pattern)].append(call)
    for (function, action, pattern), found in sorted(denied.items()):
        first = found[0]
        more = f" (and {len(found) - 1} more like it)" if len(found) > 1 else ""
        if pattern == "(no role)":
            report.denied.append(
                f"{function}: {_describe(first)}: the template has no such function"
            )
            continue
        deny = evaluate(roles[function], first.requirement).denied_by
        why = (
            "denied by " + ", ".join(statement.source for statement in deny)
            if deny
            else "no statement allows it; missing: "
            + json.dumps({"Effect": "Allow", "Action": action, "Resource": pattern})
        )
        report.denied.append(
            f"{function}: {_describe(first)} needs {action} on "
            f"{first.requirement.resource}{more}: {why}"
        )

    # Grants no allowed call used.
    used_excuses: set[int] = set()
    for function, statements in sorted(roles.items()):
        for grant in grants(function, statements):
            if any(_uses(call, grant) for call in allowed[function]):
                continue
            excuse = next((e for e in unexercised if e.covers(grant)), None)
            if excuse is not None:
                used_excuses.add(id(excuse))
                report.excused.append((grant, excuse.reason))
                continue
            report.unused.append(
                f"{function}: grants {grant.action} on {grant.resource} "
                f"({grant.statement.source}) but no recorded call used it"
            )
    for excuse in unexercised:
        if id(excuse) not in used_excuses:
            report.stale.append(
                f"iam_unexercised.yaml: {', '.join(excuse.functions)} / "
                f"{', '.join(excuse.actions)} excuses no unused grant: remove it"
            )
    return report


def _uses(call: RecordedCall, grant: Grant) -> bool:
    requirement = call.requirement
    return (
        matches(grant.action, requirement.action, ignore_case=True)
        and matches(grant.resource, requirement.resource)
        and grant.statement.conditions_hold(requirement.context)
    )


# ---------------------------------------------------------------- the command


def granted_actions(roles: Mapping[str, Sequence[Statement]]) -> dict[str, list[str]]:
    """Each function's granted actions with their resource patterns, for reading."""
    listed: dict[str, list[str]] = {}
    for function, statements in sorted(roles.items()):
        listed[function] = sorted(
            {f"{grant.action} {grant.resource}" for grant in grants(function, statements)}
        )
    return listed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.iam_check", description=__doc__)
    parser.add_argument(
        "calls",
        type=Path,
        nargs="?",
        default=DEFAULT_CALLS,
        help="the folder the calls were recorded into (default: .iam-calls, as `make test` "
        "records them)",
    )
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    parser.add_argument(
        "--grants", action="store_true", help="print each function's granted actions and stop"
    )
    args = parser.parse_args(argv)

    roles = function_roles(args.template)
    if args.grants:
        for function, listed in granted_actions(roles).items():
            print(function)
            for line in listed:
                print(f"  {line}")
        return 0
    calls = read_calls(args.calls) if args.calls.is_dir() else []
    if not calls:
        print(
            f"iam-check: no recorded calls in {args.calls}: run `make test` (or `make unit`), "
            "which records them",
            file=sys.stderr,
        )
        return 2
    report = check(roles, calls, load_unexercised())
    counted: dict[str, int] = defaultdict(int)
    for call in calls:
        counted[call.function] += 1
    print(
        f"iam-check: {len(calls)} distinct permissions used by {len(counted)} functions "
        f"({', '.join(f'{name} {count}' for name, count in sorted(counted.items()))}); "
        f"{len(report.excused)} grants unexercised with a reason"
    )
    for line in report.denied:
        print(f"DENIED  {line}")
    for line in report.unused:
        print(f"UNUSED  {line}")
    for line in report.stale:
        print(f"STALE   {line}")
    if report.failed:
        print(
            f"iam-check: {len(report.denied)} calls not allowed, {len(report.unused)} grants "
            f"unused, {len(report.stale)} stale excuses",
            file=sys.stderr,
        )
        return 1
    print("iam-check: every recorded call is allowed and every grant is used")
    return 0


if __name__ == "__main__":
    sys.exit(main())
