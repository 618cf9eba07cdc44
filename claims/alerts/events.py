"""The outbox: each event is written in the transaction that makes it happen (PRODUCT.md, Alerts).

A change rolled back takes its events with it; a committed one has them, for the delivery tasks to find.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from claims.models import Claim, Event, EventType, Flag

# Flags per statement where ids go one parameter each (SQLite, `make run`): below its limit on bound parameters.
FLAGS_PER_STATEMENT = 5_000


def _plan() -> None:
    from claims.alerts.tasks import events_plan_task

    events_plan_task.apply_async(retry=False)


def _plan_once_committed() -> None:
    """Have the events planned (and sent) once the transaction that wrote them commits; never if it rolls back.

    One planning message per transaction, however many events it writes (a bulk move of a hundred claims). If the
    broker is down, beat's alerts_due_task plans them within a minute: the change itself stands.
    """
    # Django keeps the callbacks of the transaction under way in run_on_commit, as (savepoints, callback, robust).
    if not any(entry[1] is _plan for entry in connection.run_on_commit):
        transaction.on_commit(_plan, robust=True)


def event_record(*, type: EventType, claim: Claim, at: datetime | None = None) -> Event:
    """One event about a claim, in the caller's transaction, with the claim's status as it stands."""
    event = Event.objects.create(type=type, claim=claim, claim_status=claim.status, occurred_at=at or timezone.now())
    _plan_once_committed()
    return event


def events_record_flags(*, type: EventType, flag_ids: Sequence[int], at: datetime) -> int:
    """One event per flag raised or cleared, written by the database however many there are (INSERT … SELECT).

    The flags sweep calls this with the ids its own statements returned, in its transaction. Returns how many
    events were written.
    """
    if not flag_ids:
        return 0
    _plan_once_committed()
    events, flags, claims = Event._meta.db_table, Flag._meta.db_table, Claim._meta.db_table
    insert = (
        f"INSERT INTO {events} (type, occurred_at, claim_id, claim_status, flag_id, planned_at) "  # noqa: S608 - names are ours, values are bound
        f"SELECT %s, %s, flag.claim_id, claim.status, flag.id, NULL FROM {flags} AS flag "
        f"JOIN {claims} AS claim ON claim.id = flag.claim_id WHERE "
    )
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement, the ids as one array: 585,000 flags in a few seconds rather than 120 statements.
            cursor.execute(insert + "flag.id = ANY(%s)", [type.value, at, list(flag_ids)])
            return int(cursor.rowcount)
        for start in range(0, len(flag_ids), FLAGS_PER_STATEMENT):
            chunk = list(flag_ids[start : start + FLAGS_PER_STATEMENT])
            cursor.execute(insert + f"flag.id IN ({', '.join(['%s'] * len(chunk))})", [type.value, at, *chunk])
            written += cursor.rowcount
    return written
