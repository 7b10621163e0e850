"""Errors named by what the caller should do next.

Each class carries the HTTP status the API maps it to and the error name Step Functions sees
(the Lambda ``errorType`` is the class name), so ASL ``Retry`` blocks can match
``TemporaryError`` and ``RateLimited`` while ``Catch`` blocks route everything else to a
recorded failure state.
"""

from __future__ import annotations


class FksError(Exception):
    """Base of every error the platform raises on purpose."""

    status_code = 500
    retryable = False

    def __init__(self, message: str, *, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": type(self).__name__, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(FksError):
    """The input was wrong; repeating it will fail the same way."""

    status_code = 400


class PayloadTooLarge(BadRequest):
    """The request body is over the API's size limit; ``details`` names the limit."""

    status_code = 413


class NotFound(FksError):
    status_code = 404


class Conflict(FksError):
    """A conditional write lost a race or the thing already exists."""

    status_code = 409


class PermanentError(FksError):
    """A downstream refused for good (rejected order, unknown symbol at the exchange)."""

    status_code = 422


class InsufficientFunds(PermanentError):
    pass


class RiskDenied(PermanentError):
    """The risk engine refused; ``details['rule']`` names the rule."""


class TemporaryError(FksError):
    """A downstream failed in a way that may pass: retry with backoff."""

    status_code = 503
    retryable = True


class RateLimited(TemporaryError):
    """Back off before the next call (exchange or API throttling)."""

    status_code = 429
