"""The worker's side of an intake: fetch the article with the desk's safe fetcher, read its text, rank its
sentences, and store them, or say why it could not; whatever the page does, the intake ends `done` or `failed`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.intake.models import Candidate, Intake, IntakeFailure, IntakeStatus
from claims.intake.ranking import Ranked, article_rank
from claims.intake.sentences import guess_language
from claims.sources import extract, fetching

logger = logging.getLogger(__name__)

# An article is a few thousand words; past this many characters (a book, a forum thread) only the beginning is
# ranked, which keeps the French model's reading of it within seconds.
INTAKE_MAX_CHARACTERS = 200_000
# The fetch is bounded by FACTCHECK_FETCH_TOTAL_TIMEOUT; reading and ranking 200,000 characters takes under a
# minute, and the French model's first load a second or two. Below the broker's visibility timeout.
READ_SOFT_LIMIT = int(settings.FACTCHECK_FETCH_TOTAL_TIMEOUT) + 90
READ_HARD_LIMIT = READ_SOFT_LIMIT + 30
# A worker that took an intake and did not finish it within this (it died) leaves it to be taken again.
INTAKE_LEASE = timedelta(seconds=READ_HARD_LIMIT + 30)
# A queued intake no worker took within this (its message was lost, or the broker was down) is sent again.
INTAKE_RESEND_AFTER = timedelta(minutes=2)
# Tries before giving up on an article that kills its worker every time (memory, a crash in a library).
INTAKE_MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Read:
    title: str
    language: str
    ranked: list[Ranked]
    cut_short: bool


@dataclass(frozen=True)
class Failure:
    code: str
    params: dict[str, str | int | float] = field(default_factory=dict)


def intake_read(*, intake_id: int) -> None:
    """Read the intake's article and store its ranked sentences, or why it failed. Idempotent: an intake that is
    done, failed, or being read by another worker is left alone."""
    intake = intake_take(intake_id=intake_id)
    if intake is None:
        return
    outcome: Read | Failure
    try:
        outcome = article_read(intake.url)
    except SoftTimeLimitExceeded:
        outcome = Failure(IntakeFailure.TOO_SLOW)
    except Exception as exc:
        # A page must never leave an intake open: whatever broke, the researcher is told, and the error logged.
        logger.exception("Reading intake %s (%s) failed", intake.pk, intake.url)
        outcome = Failure(IntakeFailure.ERROR, {"detail": type(exc).__name__})
    intake_record(intake=intake, outcome=outcome)


def intake_take(*, intake_id: int, now: datetime | None = None) -> Intake | None:
    """The intake, taken for this worker: one queued, or one whose worker's lease passed. None if there is none to
    take (another worker has it, or it is over); an intake tried INTAKE_MAX_ATTEMPTS times fails instead."""
    now = now or timezone.now()
    with transaction.atomic():
        intake = (
            Intake.objects.select_for_update(skip_locked=True)
            .filter(pk=intake_id)
            .filter(Q(status=IntakeStatus.QUEUED) | Q(status=IntakeStatus.FETCHING, started_at__lt=now - INTAKE_LEASE))
            .first()
        )
        if intake is None:
            return None
        if intake.attempts >= INTAKE_MAX_ATTEMPTS:
            _failed(intake, Failure(IntakeFailure.GAVE_UP, {"attempts": intake.attempts}), now=now)
            return None
        intake.status = IntakeStatus.FETCHING
        intake.started_at = now
        intake.attempts += 1
        intake.save(update_fields=["status", "started_at", "attempts"])
    return intake


def article_read(url: str) -> Read | Failure:
    """Fetch, read and rank the article at `url`; a Failure says why not, in codes."""
    fetched = fetching.fetch(url)
    if fetched.outcome != "ok":
        if fetched.reason is None:
            return Failure("http_error", {"status": fetched.http_status or 0})
        return Failure(fetched.reason.code, dict(fetched.reason.params))
    reading = extract.read(extract.Document(content_type=fetched.content_type, body=fetched.body, text=fetched.text))
    if reading.unread_because:
        return Failure(IntakeFailure.NOT_READ, {"because": reading.unread_because})
    text = reading.text[:INTAKE_MAX_CHARACTERS]
    language = guess_language(text)
    ranked = article_rank(text, language)
    if not ranked:
        return Failure(IntakeFailure.NO_SENTENCES)
    return Read(
        title=reading.title, language=language, ranked=ranked, cut_short=len(reading.text) > INTAKE_MAX_CHARACTERS
    )


@transaction.atomic
def intake_record(*, intake: Intake, outcome: Read | Failure) -> None:
    """Store what this worker found, unless the intake is no longer its own (its lease passed and another took it)."""
    current = Intake.objects.select_for_update().get(pk=intake.pk)
    if current.status != IntakeStatus.FETCHING or current.started_at != intake.started_at:
        return
    now = timezone.now()
    if isinstance(outcome, Failure):
        _failed(current, outcome, now=now)
        return
    Candidate.objects.bulk_create(
        Candidate(
            intake=current,
            position=ranked.position,
            text=ranked.text,
            score=ranked.score,
            reasons=[signal.value for signal in ranked.signals],
            claimant=ranked.claimant,
        )
        for ranked in outcome.ranked
    )
    current.status = IntakeStatus.DONE
    current.title = outcome.title
    current.language = outcome.language
    current.cut_short = outcome.cut_short
    current.finished_at = now
    current.save(update_fields=["status", "title", "language", "cut_short", "finished_at"])


def _failed(intake: Intake, failure: Failure, *, now: datetime) -> None:
    intake.status = IntakeStatus.FAILED
    intake.failure_code = failure.code
    intake.failure_params = failure.params
    intake.finished_at = now
    intake.save(update_fields=["status", "failure_code", "failure_params", "finished_at"])


def intakes_due(*, now: datetime | None = None) -> list[int]:
    """The intakes to send to a worker again: queued for a while (their message was lost), or taken by a worker
    whose lease passed (it died)."""
    now = now or timezone.now()
    return list(
        Intake.objects.filter(
            Q(status=IntakeStatus.QUEUED, created_at__lt=now - INTAKE_RESEND_AFTER)
            | Q(status=IntakeStatus.FETCHING, started_at__lt=now - INTAKE_LEASE)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
