"""AWS errors: which are worth retrying, and the storage layer's translation of the others."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from newsbrief import aws_errors


class MissingError(Exception):
    pass


def client_error(code: str, status: int) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "GetObject")


def test_an_error_with_a_listed_code_is_raised_as_the_callers_own_chained() -> None:
    original = client_error("NoSuchKey", 404)
    with pytest.raises(MissingError) as raised, aws_errors.translated({"NoSuchKey"}, MissingError):
        raise original
    assert raised.value.__cause__ is original


@pytest.mark.parametrize(
    "error",
    [
        client_error("AccessDenied", 403),
        EndpointConnectionError(endpoint_url="https://s3"),
        KeyError("x"),
    ],
)
def test_every_other_error_passes_unchanged(error: Exception) -> None:
    with pytest.raises(type(error)) as raised, aws_errors.translated({"NoSuchKey"}, MissingError):
        raise error
    assert raised.value is error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (client_error("ThrottlingException", 400), True),
        (client_error("ProvisionedThroughputExceededException", 400), True),
        (client_error("InternalError", 500), True),
        (client_error("TransactionConflictException", 400), True),
        (client_error("AccessDeniedException", 400), False),
        (client_error("ResourceNotFoundException", 400), False),
        (EndpointConnectionError(endpoint_url="https://s3"), True),
        (ValueError("not AWS"), False),
    ],
)
def test_transient_errors_are_told_from_configuration_faults(
    error: Exception, transient: bool
) -> None:
    assert aws_errors.is_transient(error) is transient
