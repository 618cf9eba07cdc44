"""The site's error pages: JSON under /api/, as the API answers everywhere, errors included; Django's elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from claims.api.exceptions import error_body

API_PREFIX = "/api/"


def _for_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(
            error_body("not_found", _("There is nothing at this address. The API's paths are in /api/schema/.")),
            status=404,
        )
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(error_body("bad_request", _("The request could not be understood.")), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(error_body("permission_denied", _("You may not do this.")), status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _for_api(request):
        return JsonResponse(
            error_body("server_error", _("The desk failed to answer; the error is logged. Try again later.")),
            status=500,
        )
    return defaults.server_error(request)
