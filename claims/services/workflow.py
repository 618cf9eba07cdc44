"""The workflow: every move of a claim, with its rules, goes through claim_transition."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import rules
from claims.alerts.events import event_record
from claims.errors import DeskError, InvalidInput
from claims.models import Claim, ClaimStatus, EventType, Evidence, Transition
from claims.services.claims import BulkOutcome, claim_lock
from claims.sources.recovery import claim_capture_soon


@transaction.atomic
def claim_transition(
    *,
    claim: Claim,
    to: ClaimStatus | str,
    by: User,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """Move a claim to another workflow status, or raise the DeskError that says why not."""
    if to not in ClaimStatus.values:
        raise InvalidInput(
            "unknown_status",
            _("There is no status “%(to)s”. Statuses: %(statuses)s.")
            % {"to": to, "statuses": ", ".join(ClaimStatus.values)},
            errors={"to": [_("Unknown status.")]},
        )
    to = ClaimStatus(to)
    comment = comment.strip()
    claim = claim_lock(claim=claim, expected_version=expected_version)
    frm = ClaimStatus(claim.status)
    rules.check_move(claim, to, by, comment)

    now = timezone.now()
    claim.status = to
    claim.version += 1
    fields = ["status", "version", "updated_at"]
    event = _EVENTS.get((frm, to))
    if to == ClaimStatus.PUBLISHED:
        # Published again after a reopening: a correction readers are told of.
        event = EventType.CLAIM_CORRECTED if claim.first_published_at else EventType.CLAIM_PUBLISHED
        claim.published_at = now
        claim.first_published_at = claim.first_published_at or now
        fields += ["published_at", "first_published_at"]
    claim._history_user = by
    claim._change_reason = comment or None
    claim.save(update_fields=fields)
    if (frm, to) == rules.REOPEN:
        # The evidence as readers saw it, the watch's captures included (it updates rows without history rows):
        # the public page shows it, with its copies, until the correction is published (claims.public.selectors).
        Evidence.history.bulk_history_create(list(claim.evidence.all()), update=True, default_user=by, default_date=now)
    Transition.objects.create(claim=claim, from_status=frm, to_status=to, by=by, at=now, comment=comment)
    if event is not None:
        event_record(type=event, claim=claim, at=now)
    if to == ClaimStatus.PUBLISHED:
        # Its pages captured by the web archive as readers are shown them.
        claim_capture_soon(claim)
    return claim


@transaction.atomic
def claims_transition(*, claims: Iterable[Claim], to: ClaimStatus | str, by: User, comment: str = "") -> BulkOutcome:
    """Move each of these claims through claim_transition, by the same rules: a claim refused stays as it was, with
    the refusal, and the others move."""
    outcome = BulkOutcome()
    for claim in claims:
        try:
            outcome.done.append(claim_transition(claim=claim, to=to, by=by, comment=comment))
        except DeskError as refusal:
            outcome.refused.append((claim, refusal))
    return outcome


# The moves that people and machines are told of (claims.alerts), besides publishing.
_EVENTS = {rules.REOPEN: EventType.CLAIM_REOPENED}
