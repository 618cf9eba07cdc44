"""The claim's ETag and If-Match: optimistic concurrency for API clients (a stale If-Match is a 412)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from claims.errors import InvalidInput, StaleVersion
from claims.models import Claim


def claim_etag(claim_id: int, version: int) -> str:
    """The claim's ETag names its version: every write through the services bumps it."""
    return f'"{claim_id}-{version}"'


def expected_version(request: Request, claim: Claim) -> int | None:
    """The version the caller's If-Match says they read, or None when they did not send one (or sent *)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    claim_id, dash, version = tag.partition("-")
    if not dash or not claim_id.isdigit() or not version.isdigit() or len(version) > 10:
        example = claim_etag(claim.pk, claim.version).strip('"')
        message = _('If-Match takes the ETag of the claim, such as "%(etag)s".') % {"etag": example}
        raise InvalidInput("invalid_if_match", message, errors={"If-Match": [message]})
    if int(claim_id) != claim.pk:
        raise StaleVersion("stale_version", _("This ETag belongs to another claim."))
    return int(version)


def with_etag(response: Response, claim_body: dict[str, Any]) -> Response:
    """The response of a claim's body, with the ETag of the version it shows."""
    response["ETag"] = claim_etag(claim_body["id"], claim_body["version"])
    return response
