"""One exception handler for the API: every refusal has the same body, {"code", "message", "errors"}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from claims.errors import DeskError, InvalidInput, NotAllowed, RuleViolation, StaleVersion

DESK_STATUS: dict[type[DeskError], int] = {
    InvalidInput: status.HTTP_400_BAD_REQUEST,
    NotAllowed: status.HTTP_403_FORBIDDEN,
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


def desk_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The services' refusals by kind (400, 403, 409, 412), and DRF's and Django's own, all in the one body."""
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
        response.data = error_body("invalid", _("Some fields are not valid."), _field_errors(exc.detail))
    else:
        code = exc.get_codes() if isinstance(exc.detail, str) else exc.default_code
        response.data = error_body(str(code), str(exc.detail))
    return response
