"""Errors that carry a reason a newsroom can read."""


class RejectedUploadError(Exception):
    """An upload that can never become an article: it is recorded as rejected, not retried.

    ``code`` is a stable machine-readable reason (``empty``, ``binary``, ``unsupported_type``,
    ``undecodable``, ``too_large``, ``no_article_content``, ...); ``message`` explains it.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
