"""Writes on cited sources: one row per normalized URL however it was typed, and checks asked for now."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

import idna
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import rules
from claims.errors import InvalidInput
from claims.models import Source
from claims.sources.tasks import sources_dispatch_task

MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that say how a reader arrived, not which page it is.
TRACKING_PARAMETER = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid)$", re.IGNORECASE)

_url_validator = URLValidator(schemes=["http", "https"])


def _invalid(message: str) -> InvalidInput:
    return InvalidInput("invalid_url", message, errors={"url": [message]})


def url_normalize(url: str) -> str:
    """The canonical form of a web address: the same page always gives the same string.

    Lower-cases scheme and host, encodes international host names, drops default ports, fragments
    and tracking parameters, and gives a bare host its trailing slash. Raises InvalidInput for
    anything that is not an http(s) address of a host.
    """
    url = url.strip()
    if not url:
        raise _invalid(_("Enter the address of the page."))
    if len(url) > MAX_URL_LENGTH:
        raise _invalid(_("This address is longer than %(max)d characters.") % {"max": MAX_URL_LENGTH})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _invalid(_("This is not a valid web address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise _invalid(_("Only http and https addresses can be cited."))
    if parts.username is not None or parts.password is not None:
        raise _invalid(_("Remove the user name and password from the address."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _invalid(_("This address has no host."))
    if not _is_ip_address(host):
        try:
            # IDNA 2008 with UTS 46 mapping, as browsers read host names: "ß.example" is not "ss.example".
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise _invalid(_("This address has an invalid host name.")) from None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not TRACKING_PARAMETER.match(pair.split("=", 1)[0])
    )
    normalized = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    try:
        _url_validator(normalized)
    except ValidationError:
        raise _invalid(_("This is not a valid web address.")) from None
    if len(normalized) > MAX_URL_LENGTH:
        raise _invalid(_("This address is longer than %(max)d characters.") % {"max": MAX_URL_LENGTH})
    return normalized


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def source_for_url(*, url: str) -> Source:
    """The source for this address, created on first citation and shared after that."""
    normalized = url_normalize(url)
    source, _created = Source.objects.get_or_create(
        url=normalized, defaults={"host": urlsplit(normalized).hostname or ""}
    )
    return source


def source_check_request(*, source_id: int) -> None:
    """Ask for a check of this source now: it becomes due (unless a check is under way), or as soon as it may be
    fetched again (FACTCHECK_MIN_RECHECK after its last check), and, once the transaction commits, a dispatch runs
    instead of waiting for the next minute's."""
    sources_check_request(source_ids=[source_id])


def sources_check_request(*, source_ids: Iterable[int]) -> None:
    """source_check_request for many sources at once: one statement, and one dispatch once the transaction commits
    (none for no source)."""
    ids = list(source_ids)
    if not ids:
        return
    now = timezone.now()
    allowed = Coalesce(F("last_checked_at") + settings.FACTCHECK_MIN_RECHECK, Value(now))
    Source.objects.filter(pk__in=ids).filter(Q(lease_token__isnull=True) | Q(next_check_at__lte=now)).update(
        next_check_at=Greatest(allowed, Value(now))
    )
    # Robust and without retries: if the broker is down, the source is due anyway and beat's next dispatch takes it.
    transaction.on_commit(lambda: sources_dispatch_task.apply_async(retry=False), robust=True)


@transaction.atomic
def source_recheck_request(*, source: Source, by: User) -> Source:
    """Ask for this source to be checked now, for someone who maintains evidence: it becomes due, and the
    checkers are told once this commits (unless a check is already under way)."""
    sources_recheck_request(source_ids=[source.pk], by=by)
    return Source.objects.get(pk=source.pk)


@transaction.atomic
def sources_recheck_request(*, source_ids: Iterable[int], by: User) -> int:
    """source_recheck_request for many sources at once (the sources of a selection of claims); how many there are."""
    rules.check_may_request_check(by)
    ids = sorted(set(source_ids))
    sources_check_request(source_ids=ids)
    return len(ids)
