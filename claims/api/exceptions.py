"""One exception handler for the API: every refusal has the same body, {"code", "message", "errors"}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims.errors import DeskError, InvalidInput, NotAllowed, NotFound, RuleViolation, StaleVersion

logger = logging.getLogger(__name__)

# An error lists at most this many fields, and this many messages or items under each: a body of 180,000 unknown
# keys gets an answer a client can read, which says how many more there were.
ERRORS_LISTED = 20
# How long a caller is asked to wait when a service the desk needs (Redis: throttles, the broker) is down.
RETRY_AFTER_UNAVAILABLE = 30

DESK_STATUS: dict[type[DeskError], int] = {
    InvalidInput: status.HTTP_400_BAD_REQUEST,
    NotAllowed: status.HTTP_403_FORBIDDEN,
    NotFound: status.HTTP_404_NOT_FOUND,
    RuleViolation: status.HTTP_409_CONFLICT,
    StaleVersion: status.HTTP_412_PRECONDITION_FAILED,
}


def error_body(code: str, message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors or {}}


def _field_errors(detail: Any) -> dict[str, Any]:
    """DRF's validation detail as messages per field; errors about the whole body go under non_field_errors."""
    if isinstance(detail, dict):
        return detail
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {"non_field_errors": [detail]}


def _capped(errors: Any) -> tuple[Any, int]:
    """The errors with at most ERRORS_LISTED entries at each level, and how many entries were left out."""
    if isinstance(errors, dict):
        items = list(errors.items())
        omitted = max(len(items) - ERRORS_LISTED, 0)
        kept = {}
        for name, value in items[:ERRORS_LISTED]:
            kept[name], deeper = _capped(value)
            omitted += deeper
        return kept, omitted
    if isinstance(errors, list):
        omitted = max(len(errors) - ERRORS_LISTED, 0)
        kept_items = []
        for value in errors[:ERRORS_LISTED]:
            kept_value, deeper = _capped(value)
            kept_items.append(kept_value)
            omitted += deeper
        return kept_items, omitted
    return errors, 0


def _invalid(detail: Any) -> dict[str, Any]:
    errors, omitted = _capped(_field_errors(detail))
    if not omitted:
        return error_body("invalid", _("Some fields are not valid."), errors)
    message = ngettext(
        "Some fields are not valid (%(count)s more error is not listed).",
        "Some fields are not valid (%(count)s more errors are not listed).",
        omitted,
    ) % {"count": number_format(omitted, force_grouping=True)}
    return error_body("invalid", message, errors)


def desk_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The services' refusals by kind (400, 403, 409, 412), and DRF's and Django's own, all in the one body."""
    if isinstance(exc, RedisError):
        # The throttles' counters are in Redis: without it the desk cannot tell who asks too much. A JSON 503 the
        # client can retry, not an HTML 500 (the admin and the public pages do not need Redis).
        logger.error("Redis is unavailable to the API: %s", exc)
        return Response(
            error_body(
                "service_unavailable",
                _("The desk cannot answer for a moment: one of its services is down. Try again shortly."),
            ),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)},
        )
    if isinstance(exc, DeskError):
        status_code = next(
            (code for kind, code in DESK_STATUS.items() if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST
        )
        return Response(error_body(exc.code, exc.message, exc.errors), status=status_code)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("request_too_large", str(exc)), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = _invalid(exc.detail)
    else:
        code = exc.get_codes() if isinstance(exc.detail, str) else exc.default_code
        response.data = error_body(str(code), str(exc.detail))
    return response
