"""Opaque page cursors: the sort key of the last hit served, bound to the query, HMAC-signed."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from newsbrief.indexing.models import InvalidCursorError, SearchRequest

SortKey = tuple[float, ...]
_MAC_BYTES = 16


def query_fingerprint(request: SearchRequest) -> str:
    """What must stay the same between pages (the page size may change)."""
    fields = request.model_dump(include={"q", "language", "since", "until", "tag", "sort"})
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(key: bytes, request: SearchRequest, after: SortKey) -> str:
    payload = json.dumps({"f": query_fingerprint(request), "k": list(after)}).encode()
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    return f"{_b64(payload)}.{_b64(mac)}"


def decode_cursor(key: bytes, request: SearchRequest, cursor: str) -> SortKey:
    """The sort key a cursor resumes after; InvalidCursorError unless this index issued it
    for this same query."""
    try:
        payload_text, mac_text = cursor.split(".")
        payload, mac = _unb64(payload_text), _unb64(mac_text)
    except (ValueError, binascii.Error) as exc:
        raise InvalidCursorError("malformed cursor") from exc
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    if not hmac.compare_digest(mac, expected):
        raise InvalidCursorError("cursor signature does not match")
    data = json.loads(payload)
    if data.get("f") != query_fingerprint(request):
        raise InvalidCursorError("cursor belongs to another query")
    return tuple(float(value) for value in data["k"])
