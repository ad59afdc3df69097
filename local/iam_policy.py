"""IAM's evaluation of identity policies, for exactly what a function role holds: Allow and Deny
statements, Action/NotAction and Resource/NotResource with ``*`` and ``?`` wildcards, and
conditions with the string and ARN operators on the request's context keys.

The rules (IAM User Guide, "Policy evaluation logic" and "Condition operators"): an explicit
Deny wins; otherwise any Allow allows; otherwise the request is implicitly denied. Action names
match without regard to case, resource ARNs with it. A condition holds when each of its
operators holds; a key the request does not carry fails a positive operator and passes a
negated one. Any other condition operator is refused rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from local.iam_actions import Requirement

_MATCHERS = {
    "StringEquals": (False, False),
    "StringLike": (True, False),
    "ArnEquals": (False, False),
    "ArnLike": (True, False),
    "StringNotEquals": (False, True),
    "StringNotLike": (True, True),
    "ArnNotEquals": (False, True),
    "ArnNotLike": (True, True),
}


class UnsupportedPolicyError(ValueError):
    """A statement uses an element this evaluator does not evaluate."""


@cache
def _pattern(wildcard: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in wildcard
    )
    return re.compile(f"^{regex}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def matches(wildcard: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` any run of characters, ``?`` any one character."""
    return _pattern(wildcard, ignore_case).match(value) is not None


def _as_tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


@dataclass(frozen=True)
class Statement:
    """One statement of a role's policy; ``source`` names the policy (and Sid) it came from."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    source: str
    not_action: bool = False
    not_resource: bool = False
    conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, document: Mapping[str, Any], source: str) -> Statement:
        unknown = set(document) - {
            "Sid",
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        }
        if unknown:
            raise UnsupportedPolicyError(f"{source}: cannot evaluate {sorted(unknown)}")
        conditions: dict[str, dict[str, tuple[str, ...]]] = {}
        for operator, keys in document.get("Condition", {}).items():
            if operator not in _MATCHERS:
                raise UnsupportedPolicyError(f"{source}: condition operator {operator}")
            conditions[operator] = {key: _as_tuple(values) for key, values in keys.items()}
        sid = document.get("Sid")
        return cls(
            effect=str(document["Effect"]),
            actions=_as_tuple(document.get("Action", document.get("NotAction", ()))),
            resources=_as_tuple(document.get("Resource", document.get("NotResource", ()))),
            source=f"{source} {sid}" if sid else source,
            not_action="NotAction" in document,
            not_resource="NotResource" in document,
            conditions=conditions,
        )

    def covers_action(self, action: str) -> bool:
        found = any(matches(pattern, action, ignore_case=True) for pattern in self.actions)
        return found != self.not_action

    def covers_resource(self, resource: str) -> bool:
        found = any(matches(pattern, resource) for pattern in self.resources)
        return found != self.not_resource

    def conditions_hold(self, context: Mapping[str, str]) -> bool:
        for operator, keys in self.conditions.items():
            wildcard, negated = _MATCHERS[operator]
            for key, values in keys.items():
                # Condition keys are not case-sensitive.
                given = next((v for k, v in context.items() if k.lower() == key.lower()), None)
                if given is None:
                    if not negated:
                        return False
                    continue
                found = any(
                    matches(value, given) if wildcard else value == given for value in values
                )
                if found == negated:
                    return False
        return True

    def applies_to(self, requirement: Requirement) -> bool:
        return (
            self.covers_action(requirement.action)
            and self.covers_resource(requirement.resource)
            and self.conditions_hold(requirement.context)
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    allowed_by: tuple[Statement, ...] = ()
    denied_by: tuple[Statement, ...] = ()


def evaluate(statements: Sequence[Statement], requirement: Requirement) -> Decision:
    """IAM's decision for one request against one principal's identity policies."""
    applying = [statement for statement in statements if statement.applies_to(requirement)]
    denied = tuple(s for s in applying if s.effect == "Deny")
    allowed = tuple(s for s in applying if s.effect == "Allow")
    return Decision(allowed=bool(allowed) and not denied, allowed_by=allowed, denied_by=denied)
