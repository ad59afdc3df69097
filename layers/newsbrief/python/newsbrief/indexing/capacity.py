"""DynamoDB capacity accounting from item sizes, by AWS's documented rounding rules.

Writes cost 1 write request unit (WRU) per started KB of the item (a delete: of the deleted
item; a failed conditional write: of the item it would have written); eventually consistent
reads cost 0.5 read request units (RRU) per started 4 KB, per item for GetItem/BatchGetItem
and over the summed items of a Query page (0.5 minimum even when nothing matches), and
strongly consistent reads twice that. Counting from sizes works the same against moto, whose
ConsumedCapacity is a placeholder, and against DynamoDB.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

AttributeValue = Mapping[str, Any]
Item = Mapping[str, AttributeValue]


def _value_size(value: AttributeValue) -> int:
    (kind, data), *_ = value.items()
    if kind == "S":
        return len(data.encode())
    if kind == "B":
        return len(data)
    if kind == "N":
        digits = len(data.lstrip("-").replace(".", "").strip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + _value_size(v) for k, v in data.items())
    if kind == "SS":
        return sum(len(s.encode()) for s in data)
    if kind == "BS":
        return sum(len(b) for b in data)
    if kind == "NS":
        return sum(_value_size({"N": number}) for number in data)
    raise ValueError(f"unsupported attribute type {kind}")


def item_size(item: Item | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def read_units(size: int, *, consistent: bool = False) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


@dataclass
class CapacityMeter:
    """Running totals of request units, with writes broken down by partition key."""

    read_units: float = 0.0
    write_units: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    write_units_by_key: Counter[str] = field(default_factory=Counter)
    read_units_by_kind: dict[str, float] = field(default_factory=dict)
    write_units_by_kind: Counter[str] = field(default_factory=Counter)

    def wrote(self, item: Item, kind: str, *, key: str | None = None) -> None:
        """A write of ``item`` (a delete: of the item deleted); ``key`` labels its partition
        (default: the item's ``pk``)."""
        units = write_units(item_size(item))
        self.write_units += units
        self.write_units_by_key[item["pk"]["S"] if key is None else key] += units
        self.write_units_by_kind[kind] += units

    def read(self, size: int, kind: str, *, consistent: bool = False) -> None:
        units = read_units(size, consistent=consistent)
        self.read_units += units
        self.read_units_by_kind[kind] = self.read_units_by_kind.get(kind, 0.0) + units

    def snapshot(self) -> tuple[float, int]:
        return self.read_units, self.write_units
