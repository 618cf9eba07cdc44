"""Mail about the desk's events, in each reader's language: at once for a flagged published fact-check, else a digest.

Each notice is sent at most once it is marked sent; a mail server that refuses is tried again later, with backoff.
"""

from __future__ import annotations

import difflib
import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from claims import selectors
from claims.alerts.leases import lease_take, lost, under_lease
from claims.alerts.models import AlertSettings, MailChoice, Notice, WebhookEndpoint
from claims.alerts.webhooks import backoff
from claims.claimreview import factcheck_url, site_url
from claims.flags import EVIDENCE_BEHIND
from claims.models import Event, Evidence
from claims.sources import pagetext

logger = logging.getLogger(__name__)

# Characters of page text shown around a quote in a mail: enough to see what changed, short enough to read.
EXCERPT_CHARS = 160
# Stretches of text that place the excerpt in the page as it is now: their length, and the step between tries.
ANCHOR_CHARS, ANCHOR_STEP = 24, 8
# Evidence shown per flag in a mail; the admin page has the rest.
EVIDENCE_PER_MAIL = 3
# Events listed in one digest; beyond, the digest says how many more there are.
EVENTS_PER_DIGEST = 200
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def language_of(user: User) -> str:
    try:
        return user.alert_settings.language
    except AlertSettings.DoesNotExist:
        return settings.LANGUAGE_CODE


# --- What changed around a quote ---------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    """The page around a cited quote, as cited and as it is now: runs of (kind, text), kind in same/removed/added."""

    runs: list[tuple[str, str]]
    # False when the passage around the quote is nowhere on the page now.
    found_now: bool


def excerpt_around(quote: str, *, before: str, after: str) -> Excerpt | None:
    """The words around `quote` in the page as cited (`before`), diffed with the same place in the page now."""
    # Found as the watch finds quotes (typography, case and spacing aside).
    spans = pagetext.quote_spans([quote], before)
    if not spans:
        return None
    at, quote_end = spans[0]
    start, end = max(at - EXCERPT_CHARS, 0), min(quote_end + EXCERPT_CHARS, len(before))
    old = before[start:end]
    # The same place now: the nearest words before the quote, and after it, that the page still has.
    head = _anchor(before, after, range(max(at - ANCHOR_CHARS, start), start - 1, -ANCHOR_STEP), shift=start)
    tail = _anchor(before, after, range(quote_end, end - ANCHOR_CHARS + 1, ANCHOR_STEP), shift=end)
    if head is None and tail is None:
        return Excerpt(runs=[("removed", old)], found_now=False)
    new_start = head if head is not None else max((tail or 0) - len(old), 0)
    new_end = tail if tail is not None and tail > new_start else new_start + len(old)
    new = after[max(new_start, 0) : new_end]
    # Words with their trailing spaces: a changed sentence reads as one removal and one addition.
    old_words, new_words = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("same", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(old_words[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(new_words[j1:j2])))
    return Excerpt(runs=runs, found_now=True)


def _anchor(before: str, after: str, offsets: range, *, shift: int) -> int | None:
    """Where `shift` (a place in `before`) is in `after`, by the first stretch at `offsets` found there once."""
    for offset in offsets:
        stretch = before[offset : offset + ANCHOR_CHARS]
        if len(stretch.strip()) < ANCHOR_CHARS // 2:
            continue
        place = after.find(stretch)
        if place >= 0 and after.find(stretch, place + 1) < 0:
            return place + (shift - offset)
    return None


def _flagged_evidence(event: Event) -> list[Evidence]:
    """The evidence the flag is about: the lost page, the missing quote, the changed page."""
    if event.flag is None or event.flag.kind not in EVIDENCE_BEHIND:
        return []
    behind = selectors.evidence_behind(event.flag.kind).filter(claim_id=event.claim_id)
    return list(
        behind.select_related("cited_snapshot", "snapshot")
        .defer("cited_snapshot__raw_body", "snapshot__raw_body")
        .order_by("id")[:EVIDENCE_PER_MAIL]
    )


def _evidence_context(evidence: Evidence) -> dict[str, Any]:
    excerpt = None
    cited, latest = evidence.cited_snapshot, evidence.snapshot
    if evidence.quote and cited is not None and latest is not None and cited.pk != latest.pk:
        excerpt = excerpt_around(evidence.quote, before=cited.text, after=latest.text)
    return {"url": evidence.source.url, "quote": evidence.quote, "excerpt": excerpt}


def _event_context(event: Event, *, detailed: bool) -> dict[str, Any]:
    claim = event.claim
    context: dict[str, Any] = {
        "event": event,
        "what": event.get_type_display(),
        "claim": claim,
        "admin_url": site_url(reverse("admin:claims_claim_change", args=[claim.pk])),
        "public_url": factcheck_url(claim) if claim.first_published_at else "",
        "flag_reason": event.flag.reason if event.flag is not None else "",
    }
    if detailed:
        context["evidence"] = [_evidence_context(evidence) for evidence in _flagged_evidence(event)]
    return context


def _send(*, to: User, subject: str, template: str, context: dict[str, Any]) -> None:
    """One mail with a plain text and an HTML part, rendered in the reader's language and the desk's time zone."""
    language = language_of(to)
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        context = {**context, "user": to, "language": language}
        text = render_to_string(f"alerts/mail/{template}.txt", context)
        html = render_to_string(f"alerts/mail/{template}.html", context)
        mail = EmailMultiAlternatives(subject=str(subject), body=text, to=[to.email])
        mail.attach_alternative(html, "text/html")
    mail.send()


# --- Sending ---------------------------------------------------------------------------------------


def reachable(users: QuerySet[User]) -> QuerySet[User]:
    """Those among these users the desk may write to: an active account, an address, and mail not turned off."""
    return users.filter(is_active=True).exclude(email="").exclude(alert_settings__mail=MailChoice.NONE)


def notice_send(notice_id: int) -> float | None:
    """Mail one urgent notice now. Returns the seconds to wait before trying again, None when done or not ours."""
    now = timezone.now()
    row = Notice.objects.filter(pk=notice_id, sent_at__isnull=True)
    lease = lease_take(row, now=now)
    if lease is None:
        return None
    notice = Notice.objects.select_related("user__alert_settings", "event__claim__rating", "event__flag").get(
        pk=notice_id
    )
    if not reachable(User.objects.filter(pk=notice.user_id)).exists():
        # Their account was closed, lost its address or turned mail off since: nothing to send.
        under_lease(row, lease).delete()
        return None
    event = notice.event
    with translation.override(language_of(notice.user)):
        subject = gettext("Flagged: %(claim)s") % {"claim": _shortened(event.claim.text)}
        context = _event_context(event, detailed=True)
    try:
        _send(to=notice.user, subject=subject, template="flag_raised", context=context)
    except MAIL_ERRORS:
        logger.warning("Mail to %s failed; it will be tried again", notice.user.email, exc_info=True)
        wait = backoff(notice.attempts)
        under_lease(row, lease).update(next_attempt_at=now + wait, leased_until=None)
        return wait.total_seconds()
    under_lease(row, lease).update(sent_at=timezone.now(), leased_until=None)
    return None


def notices_due(*, now: datetime, limit: int = 1000) -> list[int]:
    """Urgent notices whose message was likely lost (leases.lost)."""
    unsent = Notice.objects.filter(immediate=True, sent_at__isnull=True)
    return list(lost(unsent, now=now).values_list("pk", flat=True)[:limit])


def digests_send() -> int:
    """Each person's unsent notices in one mail; returns how many digests went out. A refused mail stays unsent, to
    go with the next digest."""
    unsent = Notice.objects.filter(sent_at__isnull=True, immediate=False)
    # Those the desk may no longer write to (account closed, no address, mail turned off) get none.
    unsent.exclude(user__in=reachable(User.objects.all())).delete()
    readers = reachable(User.objects.filter(pk__in=unsent.values("user_id"))).select_related("alert_settings")
    return sum(1 for user in readers if _digest_send(user))


def _digest_send(user: User) -> bool:
    with transaction.atomic():
        notices = list(
            Notice.objects.filter(user=user, sent_at__isnull=True, immediate=False)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("event__claim", "event__flag")
            .order_by("event__occurred_at", "id")
        )
        if not notices:
            return False
        shown = notices[:EVENTS_PER_DIGEST]
        with translation.override(language_of(user)):
            subject = gettext("The claim desk today: %(count)s events") % {"count": len(notices)}
            events = [_event_context(notice.event, detailed=False) for notice in shown]
        try:
            _send(
                to=user,
                subject=subject,
                template="digest",
                context={"events": events, "more": len(notices) - len(shown)},
            )
        except MAIL_ERRORS:
            logger.warning("Digest to %s failed; its events go with the next one", user.email, exc_info=True)
            return False
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(sent_at=timezone.now())
    return True


def endpoint_disabled_mail(endpoint_id: int) -> None:
    """Tell the editor who added an endpoint that it was turned off, and why."""
    endpoint = WebhookEndpoint.objects.select_related("created_by").get(pk=endpoint_id)
    editor = endpoint.created_by
    if not editor.email or endpoint.is_active:
        return
    with translation.override(language_of(editor)):
        subject = gettext("Webhook turned off: %(endpoint)s") % {"endpoint": str(endpoint)}
        context = {
            "endpoint": endpoint,
            "because": endpoint.get_disabled_because_display(),
            "admin_url": site_url(reverse("admin:alerts_webhookendpoint_change", args=[endpoint.pk])),
        }
    _send(to=editor, subject=subject, template="endpoint_disabled", context=context)


def _shortened(text: str, length: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= length else one_line[: length - 1].rstrip() + "…"
