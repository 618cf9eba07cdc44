"""The one application error the services raise, in four kinds that the admin and the API report clearly."""

from __future__ import annotations


class DeskError(Exception):
    """A refusal by the claim desk: a stable `code` for programs and a `message` for people."""

    def __init__(self, code: str, message: str, *, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        # Messages per field, when the error is about particular fields of the input.
        self.errors = errors or {}

    def __str__(self) -> str:
        return self.message


class InvalidInput(DeskError):
    """The input itself is wrong (API 400)."""


class NotAllowed(DeskError):
    """The user's role does not allow this (API 403)."""


class NotFound(DeskError):
    """What the request names does not exist, or not as it says (API 404)."""


class RuleViolation(DeskError):
    """A workflow rule refuses this now (API 409)."""


class StaleVersion(DeskError):
    """Someone else changed the claim since it was read (API 412)."""
