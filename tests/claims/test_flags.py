"""The flags sweep raises and clears each kind exactly as PRODUCT.md defines it, in a fixed number of queries."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.flags import flags_sweep, flags_sweep_checked
from claims.models import ClaimStatus, Flag, FlagKind, QuoteStatus, Source, SourceState, Stance
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, claim_at

pytestmark = pytest.mark.django_db

OLD = timezone.now() - timedelta(days=4)


def open_kinds(claim) -> set[str]:
    return set(claim.flags.filter(cleared_at__isnull=True).values_list("kind", flat=True))


def decisive(claim, *, state=SourceState.ALIVE, quote="", quote_status=QuoteStatus.UNVERIFIED, stance=Stance.REFUTES):
    return EvidenceFactory(
        claim=claim, source=SourceFactory(state=state), stance=stance, quote=quote, quote_status=quote_status
    )


# --- unproven -----------------------------------------------------------------------------------


def test_an_old_claim_without_decisive_evidence_is_unproven():
    claim = ClaimFactory(created_at=OLD)
    decisive(claim, stance=Stance.CONTEXT)
    flags_sweep()
    assert open_kinds(claim) == {FlagKind.UNPROVEN}
    assert claim.flags.get().reason


def test_a_young_claim_is_not_unproven_yet(settings):
    settings.FACTCHECK_UNPROVEN_AFTER = timedelta(hours=72)
    claim = ClaimFactory(created_at=timezone.now() - timedelta(hours=71))
    flags_sweep()
    assert open_kinds(claim) == set()
    flags_sweep(now=timezone.now() + timedelta(hours=2))
    assert open_kinds(claim) == {FlagKind.UNPROVEN}


def test_a_rejected_claim_is_never_unproven():
    claim = claim_at(ClaimStatus.REJECTED, at=OLD)
    flags_sweep()
    assert open_kinds(claim) == set()


@pytest.mark.parametrize(
    ("state", "quote", "quote_status", "unproven"),
    [
        (SourceState.ALIVE, "", QuoteStatus.UNVERIFIED, False),  # no quote: the live page is enough
        (SourceState.ALIVE, "aucune preuve", QuoteStatus.FOUND, False),
        (SourceState.ALIVE, "aucune preuve", QuoteStatus.MISSING, True),
        (SourceState.ALIVE, "aucune preuve", QuoteStatus.UNVERIFIED, True),
        (SourceState.PENDING, "", QuoteStatus.UNVERIFIED, True),
        (SourceState.DEAD, "", QuoteStatus.UNVERIFIED, True),
        (SourceState.FAILING, "", QuoteStatus.UNVERIFIED, True),
    ],
)
def test_only_live_evidence_with_its_quote_found_or_absent_is_decisive(state, quote, quote_status, unproven):
    claim = ClaimFactory(created_at=OLD)
    decisive(claim, state=state, quote=quote, quote_status=quote_status)
    flags_sweep()
    assert (FlagKind.UNPROVEN in open_kinds(claim)) is unproven


def test_unproven_clears_when_decisive_evidence_arrives_and_stays_in_history():
    claim = ClaimFactory(created_at=OLD)
    flags_sweep()
    evidence = decisive(claim, quote="aucune preuve", quote_status=QuoteStatus.MISSING)
    flags_sweep()
    assert FlagKind.UNPROVEN in open_kinds(claim)

    evidence.quote_status = QuoteStatus.FOUND
    evidence.save()
    result = flags_sweep()
    assert FlagKind.UNPROVEN not in open_kinds(claim)
    assert result["cleared"] >= 1
    cleared = claim.flags.get(kind=FlagKind.UNPROVEN)
    assert cleared.cleared_at is not None and cleared.raised_at < cleared.cleared_at


# --- evidence_lost, quote_missing, source_changed -------------------------------------------


@pytest.mark.parametrize(
    ("kind", "holds", "no_longer"),
    [
        (FlagKind.EVIDENCE_LOST, {"source_state": SourceState.DEAD}, {"source_state": SourceState.ALIVE}),
        (FlagKind.QUOTE_MISSING, {"quote_status": QuoteStatus.MISSING}, {"quote_status": QuoteStatus.FOUND}),
        (FlagKind.SOURCE_CHANGED, {"page_changed": True}, {"page_changed": False}),
    ],
)
def test_each_flag_is_raised_once_and_clears_itself(kind, holds, no_longer):
    claim = ClaimFactory()
    evidence = EvidenceFactory(
        claim=claim,
        quote="aucune preuve",
        quote_status=QuoteStatus.FOUND,
        source=SourceFactory(state=SourceState.ALIVE),
    )

    def make(conditions):
        for name, value in conditions.items():
            if name == "source_state":
                evidence.source.state = value
                evidence.source.save()
            else:
                setattr(evidence, name, value)
                evidence.save()

    make(holds)
    flags_sweep()
    flags_sweep()
    assert kind in open_kinds(claim)
    assert claim.flags.filter(kind=kind).count() == 1

    make(no_longer)
    flags_sweep()
    assert kind not in open_kinds(claim)

    make(holds)
    flags_sweep()
    assert claim.flags.filter(kind=kind).count() == 2  # raised, cleared, raised again: all kept


def test_a_sweep_limited_to_some_claims_leaves_the_others_alone():
    seen, unseen = ClaimFactory(created_at=OLD), ClaimFactory(created_at=OLD)
    flags_sweep(claim_ids=[seen.pk])
    assert open_kinds(seen) == {FlagKind.UNPROVEN}
    assert open_kinds(unseen) == set()


def test_the_sweeps_query_count_does_not_grow_with_claims(django_assert_num_queries):
    def seed(count):
        for i in range(count):
            claim = ClaimFactory(created_at=OLD)
            decisive(
                claim,
                state=SourceState.DEAD if i % 2 else SourceState.ALIVE,
                quote="x",
                quote_status=QuoteStatus.MISSING,
            )

    seed(3)
    with CaptureQueriesContext(connection) as few:
        flags_sweep()
    seed(60)
    with django_assert_num_queries(len(few.captured_queries)):
        result = flags_sweep()
    assert result["raised"] == 60 * 2 + 30  # unproven and quote_missing for each, evidence_lost for half
    assert Flag.objects.filter(cleared_at__isnull=True).count() == 63 * 2 + 31


# --- the sweep after checks -------------------------------------------------------------------


def dead_citation(*, checked: bool):
    """A claim citing a dead page; `checked`: a check recorded that since the last sweep after checks."""
    evidence = EvidenceFactory(
        claim=ClaimFactory(), source=SourceFactory(state=SourceState.DEAD, sweep_pending=checked)
    )
    return evidence.claim, evidence.source


def test_the_sweep_after_checks_covers_the_claims_citing_sources_checked_since_it_last_ran():
    checked_claim, checked_source = dead_citation(checked=True)
    other_claim, other_source = dead_citation(checked=False)
    also_citing = EvidenceFactory(claim=ClaimFactory(), source=checked_source).claim

    assert flags_sweep_checked() == {"raised": 2, "cleared": 0}
    assert open_kinds(checked_claim) == open_kinds(also_citing) == {FlagKind.EVIDENCE_LOST}
    assert open_kinds(other_claim) == set()  # left to the next check of its source, or to beat's sweep of all
    assert not Source.objects.filter(sweep_pending=True).exists()

    # Nothing checked since: nothing to do.
    assert flags_sweep_checked() == {"raised": 0, "cleared": 0}
    Source.objects.filter(pk=other_source.pk).update(sweep_pending=True)
    assert flags_sweep_checked() == {"raised": 1, "cleared": 0}
    assert open_kinds(other_claim) == {FlagKind.EVIDENCE_LOST}


def test_a_checked_source_no_evidence_cites_any_more_does_not_hold_up_the_sweep():
    uncited = SourceFactory(sweep_pending=True)  # its evidence was deleted after the check
    assert flags_sweep_checked() == {"raised": 0, "cleared": 0}
    claim, _ = dead_citation(checked=True)
    Source.objects.filter(pk=uncited.pk).update(sweep_pending=True)
    assert flags_sweep_checked() == {"raised": 1, "cleared": 0}
    assert open_kinds(claim) == {FlagKind.EVIDENCE_LOST}
    assert not Source.objects.filter(sweep_pending=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_sweep_after_checks_neither_waits_for_nor_loses_a_source_another_transaction_holds():
    held_claim, held = dead_citation(checked=True)
    free_claim, _ = dead_citation(checked=True)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:  # as a check recording this source does, or an evidence edit waiting for it
        try:
            with transaction.atomic():
                Source.objects.select_for_update().get(pk=held.pk)
                holding.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        holding.wait(timeout=10)
        assert flags_sweep_checked() == {"raised": 1, "cleared": 0}  # at once, without waiting for the other
    finally:
        release.set()
        holder.join()
    assert open_kinds(free_claim) == {FlagKind.EVIDENCE_LOST}
    assert open_kinds(held_claim) == set()
    assert flags_sweep_checked() == {"raised": 1, "cleared": 0}  # its mark was left for the next sweep
    assert open_kinds(held_claim) == {FlagKind.EVIDENCE_LOST}


def test_the_sweep_after_checks_takes_as_many_queries_for_thirty_checked_sources_as_for_two(django_assert_num_queries):
    for _ in range(2):
        dead_citation(checked=True)
    with CaptureQueriesContext(connection) as few:
        flags_sweep_checked()
    for _ in range(30):
        dead_citation(checked=True)
    with django_assert_num_queries(len(few.captured_queries)):
        assert flags_sweep_checked()["raised"] == 30
