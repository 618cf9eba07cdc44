"""The flags sweep: raise and clear the automatic flags on claims, set-based, a fixed number of queries per run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from claims.alerts.events import events_record_flags
from claims.models import (
    Claim,
    ClaimStatus,
    EventType,
    Evidence,
    Flag,
    FlagKind,
    QuoteStatus,
    Source,
    SourceState,
    Stance,
)


def _evidence(*conditions: Q, **fields: object) -> Exists:
    return Exists(Evidence.objects.filter(*conditions, claim=OuterRef("pk"), **fields))


# The evidence that raises each of these kinds on its claim: what an editor looks at to see why (the admin links the
# changes of its page).
EVIDENCE_BEHIND = {
    FlagKind.EVIDENCE_LOST: Q(source__state=SourceState.DEAD),
    FlagKind.QUOTE_MISSING: Q(quote_status=QuoteStatus.MISSING),
    FlagKind.SOURCE_CHANGED: Q(page_changed=True),
}
# The kinds raised by a page that changed: what changed on it is worth a look.
PAGE_CHANGE_KINDS = (FlagKind.QUOTE_MISSING, FlagKind.SOURCE_CHANGED)


def flag_conditions(now: datetime) -> dict[FlagKind, Q | Exists]:
    """When each kind of flag holds for a claim, exactly as PRODUCT.md defines it."""
    decisive = Evidence.objects.filter(
        claim=OuterRef("pk"), stance__in=[Stance.SUPPORTS, Stance.REFUTES], source__state=SourceState.ALIVE
    ).filter(Q(quote="") | Q(quote_status=QuoteStatus.FOUND))
    return {
        FlagKind.UNPROVEN: ~Exists(decisive)
        & Q(created_at__lte=now - settings.FACTCHECK_UNPROVEN_AFTER)
        & ~Q(status=ClaimStatus.REJECTED),
        FlagKind.EVIDENCE_LOST: _evidence(EVIDENCE_BEHIND[FlagKind.EVIDENCE_LOST]),
        FlagKind.QUOTE_MISSING: _evidence(EVIDENCE_BEHIND[FlagKind.QUOTE_MISSING]),
        FlagKind.SOURCE_CHANGED: _evidence(EVIDENCE_BEHIND[FlagKind.SOURCE_CHANGED]),
    }


@transaction.atomic
def flags_sweep(*, claim_ids: Iterable[int] | None = None, now: datetime | None = None) -> dict[str, int]:
    """Raise every flag whose condition holds and clear every open flag whose condition no longer holds.

    `claim_ids` limits the sweep to those claims (after checks, the claims citing the checked sources). Returns
    how many flags were raised and cleared. Two statements per kind, whatever the number of claims.
    """
    now = now or timezone.now()
    claims: QuerySet[Claim] = Claim.objects.all()
    open_flags = Flag.objects.filter(cleared_at__isnull=True)
    if claim_ids is not None:
        ids = list(claim_ids)
        if not ids:  # no claim to look at (a checked source no evidence cites any more)
            return {"raised": 0, "cleared": 0}
        claims, open_flags = claims.filter(pk__in=ids), open_flags.filter(claim_id__in=ids)
    raised = cleared = 0
    lost: list[int] = []
    for kind, condition in flag_conditions(now).items():
        holding = claims.filter(condition)
        # A claim whose flag is already open is skipped by the unique index (flag_one_open_per_kind), not by a
        # join on the flags: the flags table grows within this very transaction, past what the planner knows.
        # In id order: two sweeps at once take the index's locks in the same order and never deadlock.
        raised_ids = _insert_flags(holding.order_by("id").values_list("id", flat=True), kind=kind, now=now)
        cleared_ids = _clear_flags(
            open_flags.filter(kind=kind).exclude(Exists(holding.filter(pk=OuterRef("claim_id")))), now=now
        )
        # Told to people and machines (claims.alerts), in this transaction: a sweep rolled back tells nothing.
        events_record_flags(type=EventType.FLAG_RAISED, flag_ids=raised_ids, at=now)
        if kind in EVIDENCE_BEHIND:
            lost += raised_ids
        events_record_flags(type=EventType.FLAG_CLEARED, flag_ids=cleared_ids, at=now)
        raised, cleared = raised + len(raised_ids), cleared + len(cleared_ids)
    # A page lost, a quote gone, a page changed: the web archive's copy is looked up once this commits, once per
    # piece of evidence however many of its flags were raised. (Imported here: recovery reads this module's rules.)
    from claims.sources.recovery import evidence_recover_soon

    evidence_recover_soon(lost)
    return {"raised": raised, "cleared": cleared}


def flags_sweep_checked(*, now: datetime | None = None) -> dict[str, int]:
    """Sweep the claims citing the sources checked since this last ran: one sweep for many checks.

    Every recorded check marks its source (`Source.sweep_pending`). The marks are taken and cleared in a short
    transaction of their own, which skips rows that others hold (a check recording: it asks for another sweep
    once it has committed), so that the sweep itself keeps no source locked: an editor's evidence edit locks the
    claim, then waits for its source. If the sweep fails, the marks are put back for the next one; beat's sweep of
    every claim, every 10 minutes, catches up with anything else.
    """
    with transaction.atomic():
        marked = Source.objects.select_for_update(skip_locked=True).filter(sweep_pending=True)
        checked = list(marked.values_list("id", flat=True))
        if not checked:
            return {"raised": 0, "cleared": 0}
        Source.objects.filter(pk__in=checked).update(sweep_pending=False)
    try:
        return flags_sweep(
            claim_ids=Evidence.objects.filter(source_id__in=checked).values_list("claim_id", flat=True).distinct(),
            now=now,
        )
    except Exception:
        Source.objects.filter(pk__in=checked).update(sweep_pending=True)
        raise


def _insert_flags(claims: QuerySet[Claim, int], *, kind: FlagKind, now: datetime) -> list[int]:
    """INSERT … SELECT: the new flags are written by the database, however many claims need one; their ids."""
    select_sql, params = claims.query.sql_with_params()
    table = Flag._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (claim_id, kind, details, raised_at) "  # noqa: S608 - names are ours, values are bound
            # SQLite needs the WHERE to tell the upsert's ON from a join's.
            f"SELECT due.id, %s, %s, %s FROM ({select_sql}) AS due WHERE 1 = 1 ON CONFLICT DO NOTHING RETURNING id",
            [kind.value, "{}", now, *params],
        )
        return [row[0] for row in cursor.fetchall()]


def _clear_flags(flags: QuerySet[Flag], *, now: datetime) -> list[int]:
    """UPDATE … WHERE id IN (SELECT …): the flags are cleared by the database, however many; their ids.

    The open-flag condition is checked again by the UPDATE itself: a flag another sweep cleared meanwhile is not
    cleared, nor told of, twice.
    """
    select_sql, params = flags.values("id").query.sql_with_params()
    table = Flag._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET cleared_at = %s WHERE cleared_at IS NULL "  # noqa: S608 - names are ours, values are bound
            f"AND id IN (SELECT due.id FROM ({select_sql}) AS due) RETURNING id",
            [now, *params],
        )
        return [row[0] for row in cursor.fetchall()]
