"""The outbox: every event is written in the transaction that makes it happen, and only then."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from claims.alerts import events
from claims.flags import flags_sweep
from claims.models import ClaimStatus, Event, EventType, Evidence, Flag, FlagKind, QuoteStatus, Source, SourceState
from claims.services.claims import claim_update
from claims.services.workflow import claim_transition
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

S = ClaimStatus


def events_of(claim) -> list[tuple[str, str, int | None]]:
    return list(Event.objects.filter(claim=claim).order_by("id").values_list("type", "claim_status", "flag_id"))


def test_a_publication_a_reopening_and_a_republication_are_each_told(editor, second_editor):
    claim = claim_at(S.IN_REVIEW)
    assert events_of(claim) == []

    claim = claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
    claim = claim_transition(claim=claim, to=S.RESEARCHING, by=editor, comment="Le coût était mal cité.")
    claim = claim_transition(claim=claim, to=S.IN_REVIEW, by=editor)
    claim_transition(claim=claim, to=S.PUBLISHED, by=second_editor)

    assert events_of(claim) == [
        (EventType.CLAIM_PUBLISHED, S.PUBLISHED, None),
        (EventType.CLAIM_REOPENED, S.RESEARCHING, None),
        (EventType.CLAIM_CORRECTED, S.PUBLISHED, None),
    ]
    published, reopened, corrected = Event.objects.filter(claim=claim).order_by("id")
    moves = {move.to_status: move.at for move in claim.transitions.all()}
    assert published.occurred_at < reopened.occurred_at < corrected.occurred_at
    assert corrected.occurred_at == moves[S.PUBLISHED] and corrected.planned_at is None


def test_a_change_made_while_published_is_told_as_a_correction(editor):
    claim = claim_at(S.PUBLISHED)
    claim_update(
        claim=claim,
        by=editor,
        changes={"summary": "Aucune preuve publiée à ce jour."},
        change_kind="clarification",
        change_note="Nous avons précisé la date.",
    )
    # Tags are the desk's own: readers see no change, and nobody is told.
    claim_update(claim=claim, by=editor, changes={}, tags=["ia"])
    assert [event[0] for event in events_of(claim)] == [EventType.CLAIM_PUBLISHED, EventType.CLAIM_CORRECTED]


def test_a_move_rolled_back_tells_nothing(editor):
    claim = claim_at(S.IN_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
        assert Event.objects.filter(claim=claim).count() == 1
        raise RuntimeError("the request failed after the move")
    assert events_of(claim) == []


def test_each_flag_the_sweep_raises_or_clears_is_told_once(editor):
    published = claim_at(S.PUBLISHED)
    researching = claim_at(S.RESEARCHING)
    for claim in (published, researching):
        Evidence.objects.filter(claim=claim).update(quote_status=QuoteStatus.MISSING)
    before = Event.objects.count()

    assert flags_sweep() == {"raised": 2, "cleared": 0}
    assert flags_sweep() == {"raised": 0, "cleared": 0}  # still open: nothing new to tell

    raised = Event.objects.filter(type=EventType.FLAG_RAISED)
    assert Event.objects.count() == before + 2
    assert sorted(raised.values_list("claim_id", "claim_status", "flag__kind")) == sorted(
        [(published.pk, S.PUBLISHED, FlagKind.QUOTE_MISSING), (researching.pk, S.RESEARCHING, FlagKind.QUOTE_MISSING)]
    )

    Evidence.objects.filter(claim=published).update(quote_status=QuoteStatus.FOUND)
    later = timezone.now()
    assert flags_sweep(now=later) == {"raised": 0, "cleared": 1}
    (cleared,) = Event.objects.filter(type=EventType.FLAG_CLEARED)
    flag = Flag.objects.get(claim=published)
    assert (cleared.claim_id, cleared.flag_id, cleared.occurred_at) == (published.pk, flag.pk, later)
    assert flag.cleared_at == later


def test_a_sweep_rolled_back_tells_nothing():
    claim = claim_at(S.PUBLISHED)
    Evidence.objects.filter(claim=claim).update(quote_status=QuoteStatus.MISSING)
    with pytest.raises(RuntimeError), transaction.atomic():
        flags_sweep()
        raise RuntimeError("the sweep's worker died")
    assert not Flag.objects.exists()
    assert not Event.objects.filter(type=EventType.FLAG_RAISED).exists()


def test_a_large_sweep_tells_every_flag(settings, monkeypatch):
    # More flags than one statement carries where each id is a parameter: SQLite's way (`make run`), whose SQL
    # PostgreSQL runs as well.
    monkeypatch.setattr(events, "FLAGS_PER_STATEMENT", 3)
    settings.FACTCHECK_UNPROVEN_AFTER = timedelta(0)
    claims = [claim_at(S.DRAFT) for _ in range(7)]
    Evidence.objects.filter(claim__in=claims).update(quote_status=QuoteStatus.MISSING)
    Source.objects.filter(evidence__claim__in=claims).update(state=SourceState.DEAD)
    monkeypatch.setattr(connection, "vendor", "sqlite")

    result = flags_sweep()

    # Per claim: its quote is missing, its page dead, and nothing decisive is left (unproven).
    assert result == {"raised": 21, "cleared": 0}
    assert Event.objects.filter(type=EventType.FLAG_RAISED).count() == Flag.objects.count() == 21
    assert set(Event.objects.filter(type=EventType.FLAG_RAISED).values_list("flag_id", flat=True)) == set(
        Flag.objects.values_list("id", flat=True)
    )


def test_a_transaction_with_many_events_asks_for_one_planning(
    editor, published_tasks, django_capture_on_commit_callbacks
):
    claims = [claim_at(S.IN_REVIEW) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for claim in claims:
            claim_transition(claim=claim, to=S.PUBLISHED, by=editor)

    assert published_tasks == [("claims.alerts.tasks.events_plan_task", "alerts")]
