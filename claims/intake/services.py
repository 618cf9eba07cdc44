"""Writes on intakes: an article asked for, and the sentences a researcher chose made draft claims."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from claims import rules
from claims.errors import InvalidInput, RuleViolation
from claims.intake.models import Candidate, Intake, IntakeStatus
from claims.intake.tasks import intake_read_task
from claims.models import Claim
from claims.services.claims import claim_create
from claims.sources.fetching import target_refusal
from claims.sources.services import url_normalize

logger = logging.getLogger(__name__)

# Sentences made claims at once: an article's worth, and a bound on one request's work.
CANDIDATES_PER_REQUEST = 100


def _enqueue(intake_id: int) -> None:
    """Send the intake to a worker. If the broker is down, the intake stays queued and beat's intakes_resume_task
    sends it again: the researcher's request is never lost."""
    try:
        intake_read_task.apply_async((intake_id,), retry=False)
    except Exception:
        logger.exception("Intake %s could not be sent to a worker now; it will be sent again", intake_id)


def intake_url(url: str) -> str:
    """The article's address, normalized, if the desk may fetch it; InvalidInput (on `url`) says why not."""
    normalized = url_normalize(url)
    refusal = target_refusal(normalized)
    if refusal is not None:
        raise InvalidInput("invalid_url", str(refusal), errors={"url": [str(refusal)]})
    return normalized


@transaction.atomic
def intake_request(*, url: str, by: User) -> Intake:
    """Ask the desk to read an article: the intake is queued, and a worker reads it once this commits."""
    rules.check_may_take_in_articles(by)
    intake = Intake.objects.create(url=intake_url(url), requested_by=by)
    transaction.on_commit(lambda: _enqueue(intake.pk))
    return intake


@transaction.atomic
def intake_claims_create(*, intake: Intake, candidate_ids: Iterable[int], by: User) -> list[Claim]:
    """The sentences a researcher ticked, each made a draft claim through claim_create: the article as where it
    appeared, the claimant its attribution names (the article's site when it names no one), the article's language.

    All of them or none: a sentence that is not this article's, or already a claim, refuses the whole choice.
    """
    rules.check_may_create_claim(by)
    ids = sorted(set(candidate_ids))
    if not ids:
        message = _("Tick at least one sentence.")
        raise InvalidInput("candidates_required", message, errors={"candidates": [message]})
    if len(ids) > CANDIDATES_PER_REQUEST:
        message = _("Choose at most %(max)d sentences at a time.") % {"max": CANDIDATES_PER_REQUEST}
        raise InvalidInput("invalid", message, errors={"candidates": [message]})
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != IntakeStatus.DONE:
        raise RuleViolation(
            "intake_not_done",
            _("The article has not been read yet (%(status)s).") % {"status": intake.get_status_display()},
        )
    candidates = list(Candidate.objects.select_for_update().filter(intake=intake, pk__in=ids).order_by("position"))
    unknown = sorted(set(ids) - {candidate.pk for candidate in candidates})
    if unknown:
        message = _("These sentences are not this article's: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
        raise InvalidInput("unknown_candidates", message, errors={"candidates": [message]})
    taken = [candidate for candidate in candidates if candidate.claim_id is not None]
    if taken:
        raise RuleViolation(
            "candidate_already_claimed",
            _("These sentences are already claims: %(ids)s.")
            % {"ids": ", ".join(f"{candidate.pk} (claim {candidate.claim_id})" for candidate in taken)},
        )
    claims = []
    for candidate in candidates:
        claim = claim_create(
            by=by,
            text=candidate.text,
            claimant=candidate.claimant or intake.site_name,
            language=intake.language or settings.LANGUAGE_CODE[:2],
            appearance_url=intake.url,
        )
        candidate.claim = claim
        candidate.save(update_fields=["claim"])
        claims.append(claim)
    return claims
