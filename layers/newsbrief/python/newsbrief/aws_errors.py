"""Which AWS errors are worth retrying: throttling, 5xx and lost connections, by botocore's own
lists, so that callers tell load apart from configuration faults (access denied, no such table)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from botocore.retries.standard import (
    RetryContext,
    ThrottledRetryableChecker,
    TransientRetryableChecker,
)

_THROTTLED = ThrottledRetryableChecker()
# A DynamoDB transaction that met another on the same item: botocore does not retry it, but the
# same transaction passes once the other has finished.
_CONFLICTS = frozenset({"TransactionConflictException"})
_TRANSIENT = TransientRetryableChecker()


def error_code(error: BaseException) -> str:
    """The AWS error code (``AccessDeniedException``), or the botocore exception's class name."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


def is_throttling(error: BaseException) -> bool:
    if not isinstance(error, ClientError):
        return False
    return bool(_THROTTLED.is_retryable(RetryContext(1, parsed_response=error.response)))


def is_transient(error: BaseException) -> bool:
    """True for throttling, AWS 5xx, request timeouts and connection failures: a retry may pass."""
    if isinstance(error, ClientError):
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        context = RetryContext(1, parsed_response=error.response)
        return (
            status >= 500
            or is_throttling(error)
            or error_code(error) in _CONFLICTS
            or bool(_TRANSIENT.is_retryable(context))
        )
    if isinstance(error, BotoCoreError):
        return bool(_TRANSIENT.is_retryable(RetryContext(1, caught_exception=error)))
    return False


@contextmanager
def translated(codes: Collection[str], error: Callable[[], Exception]) -> Iterator[None]:
    """Raises ``error()`` (chained) for an AWS error of the block whose code is one of
    ``codes``, so callers catch the storage layer's own exception; others pass unchanged."""
    try:
        yield
    except ClientError as exc:
        if error_code(exc) not in codes:
            raise
        raise error() from exc
