"""Who is calling: the address the desk counts for the API's throttles and the admin's sign-in lockout, and what
the admin answers a sign-in paused by too many failures."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw (FACTCHECK_TRUSTED_PROXIES), as DRF counts it;
    None when the request has none (a sign-in made by code, not over HTTP)."""
    # get_ident reads only request.META, which Django's request has as DRF's does.
    address = BaseThrottle().get_ident(cast(Request, request))
    return str(address) if address else None


def sign_in_paused(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes's answer once an account had too many wrong passwords from this address (AXES_LOCKOUT_CALLABLE)."""
    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/sign_in_paused.html", context, status=429)
