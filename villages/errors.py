"""The error tree every domain package shares.

Each error carries an HTTP status and a stable machine code; the web layer and the CLI map
them to responses in one place. Messages are written for the clerk who will read them.
"""

from __future__ import annotations

from typing import Any


class CunwuError(Exception):
    """Something a user asked for cannot be done; the message says why."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details is not None:
            out["details"] = self.details
        return out


class NotFound(CunwuError):
    status = 404
    code = "not_found"


class Forbidden(CunwuError):
    status = 403
    code = "forbidden"


class Conflict(CunwuError):
    """The request is well-formed but the current state does not allow it."""

    status = 409
    code = "conflict"


class TooManyRequests(CunwuError):
    """A client sent more than its share; the message says when it may try again."""

    status = 429
    code = "too_many_requests"


class InvalidInput(CunwuError):
    """Bad input; ``details`` lists each problem with where it is."""

    status = 422
    code = "invalid_input"


class CheckFailed(Conflict):
    """A check that guards publication failed (totals, staleness, the privacy gate);
    ``details`` holds the numbers side by side, or where each personal number was found."""

    code = "check_failed"
