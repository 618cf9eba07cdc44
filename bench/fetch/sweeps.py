"""The flags sweep over the whole table at growing sizes: its time, its queries and the plans PostgreSQL picks."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from bench.fetch import log
from bench.fetch.dataset import flags_empty, tables_empty
from claims.flags import flags_sweep
from claims.models import Flag, FlagKind

HINTED_WORK_MEM = "256MB"  # the diagnostic sweep's work_mem (the server's default is 4MB)
# cold: the first sweep, planner left alone; hinted: the same from no flags again, with the session told to avoid
# nested loops and given work_mem for a hashed NOT IN (a diagnosis of the plans, not a fix); warm: the sweep again,
# planner left alone, with the flags the hinted sweep raised.
PHASES = ("cold", "hinted", "warm")


@dataclass
class SweepPhase:
    seconds: float = 0.0
    queries: int = 0
    result: dict[str, int] = field(default_factory=dict)
    statements: str = ""  # the kinds of statements it sent, when it finished: "INSERT × 4, …"
    timed_out: str = ""  # how it was cancelled, when it did not finish


@dataclass
class SweepRun:
    claims: int
    evidence: int = 0
    sources: int = 0
    seed_seconds: float = 0.0
    phases: dict[str, SweepPhase] = field(default_factory=lambda: {phase: SweepPhase() for phase in PHASES})
    flags_by_kind: dict[str, int] = field(default_factory=dict)
    plans: str = ""

    @property
    def cold(self) -> SweepPhase:
        return self.phases["cold"]

    @property
    def hinted(self) -> SweepPhase:
        return self.phases["hinted"]

    @property
    def warm(self) -> SweepPhase:
        return self.phases["warm"]

    @property
    def finished(self) -> bool:
        return not any(phase.timed_out for phase in self.phases.values())

    @property
    def statements(self) -> str:
        """The statements of the last phase that finished."""
        return next((self.phases[p].statements for p in reversed(PHASES) if self.phases[p].statements), "")


def sweeps_run(sizes: list[int], timeout: int) -> list[SweepRun]:
    """The sweep at each size in turn (the data set grows from one to the next), each statement cut at `timeout` s."""
    tables_empty()
    runs = [_sweep_size(size, timeout) for size in sizes]
    tables_empty()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return runs


def _sweep_size(size: int, timeout: int) -> SweepRun:
    run = SweepRun(size)
    log(f"flags sweep: seeding up to {size:,} claims")
    t = time.monotonic()
    flags_empty()
    run.claims, run.evidence, run.sources = sweep_seed(size)
    run.seed_seconds = time.monotonic() - t
    run.plans = sweep_explain()
    for phase in PHASES:
        run.phases[phase] = _sweep_phase(phase, timeout)
    run.flags_by_kind = dict(Counter(Flag.objects.filter(cleared_at__isnull=True).values_list("kind", flat=True)))
    return run


def _sweep_phase(phase: str, timeout: int) -> SweepPhase:
    with connection.cursor() as cursor:
        if phase == "hinted":
            flags_empty()
            cursor.execute("SET enable_nestloop = off")
            cursor.execute(f"SET work_mem = '{HINTED_WORK_MEM}'")
        # Bounded: a statement running longer than this is cancelled (and the sweep rolled back).
        cursor.execute(f"SET statement_timeout = '{int(timeout)}s'")
    result = SweepPhase()
    with CaptureQueriesContext(connection) as captured:
        t = time.perf_counter()
        try:
            result.result = flags_sweep()
        except OperationalError:
            sent = [q["sql"] for q in captured.captured_queries if q["sql"].strip().upper() != "ROLLBACK"]
            what = re.sub(r"\s+", " ", sent[-1] if sent else "")[:80]
            result.timed_out = f"cancelled after {timeout} s in its statement {len(sent)} (`{what}…`)"
            log(f"  {phase}: {result.timed_out}")
        result.seconds = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")
        cursor.execute("RESET enable_nestloop")
        cursor.execute("RESET work_mem")
    result.queries = len(captured.captured_queries)
    if result.result:
        kinds = Counter(q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries if q["sql"].strip())
        result.statements = ", ".join(f"{k} × {v}" for k, v in kinds.items())
    log(f"  {phase}: {result.seconds:.2f} s, {result.queries} queries, {result.result}")
    return result


def sweep_seed(total_claims: int) -> tuple[int, int, int]:
    """Grow the sweep data set to `total_claims` claims (INSERT … SELECT generate_series), with 1 or 2 evidence each.

    The mix: 5% rejected, 10% published; created 0 to 239 hours ago (70% past FACTCHECK_UNPROVEN_AFTER's 72 h);
    one claim in 8 cites only context; sources 85% alive, 5% dead, 5% failing, 5% pending; 70% of evidence quoted,
    of which 8% missing and 12% unverified; 5% of evidence on a page that changed since cited. The sources' URLs are
    loopback addresses and they are not due for a year: nothing here is ever fetched. Returns how many claims,
    evidence and sources there are now.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FROM claims_claim")
        last_claim, have = _row(cursor.fetchone())
        cursor.execute("SELECT coalesce(max(id), 0) FROM claims_source")
        (last_source,) = _row(cursor.fetchone())
        want_sources = total_claims // 4
        cursor.execute(
            """
            INSERT INTO claims_source (id, url, host, state, final_url, title, content_type, etag, last_modified,
                raw_sha256, text_sha256, fingerprint, next_check_at, consecutive_failures, last_error_code,
                last_error_params, created_at, fetching, sweep_pending)
            SELECT g, 'http://127.0.0.' || (2 + g %% 20) || ':9/sweep/' || g, '127.0.0.' || (2 + g %% 20),
                CASE g %% 20 WHEN 0 THEN 'dead' WHEN 1 THEN 'failing' WHEN 2 THEN 'pending' ELSE 'alive' END,
                '', '', 'text/html', '', '', '', '', '', now() + interval '365 days', 0, '', '{}', now(), false, false
            FROM generate_series(%s, %s) AS g
            """,
            [last_source + 1, want_sources],
        )
        # The evidence below cites sources 1 … want_sources by number: the ids are set, and the sequence follows.
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('claims_source', 'id'), GREATEST(max(id), 1)) FROM claims_source"
        )
        cursor.execute(
            """
            INSERT INTO claims_claim (text, claimant, appearance_url, language, status, summary, created_at,
                updated_at, version, published_at, first_published_at)
            SELECT 'Affirmation de synthèse n° ' || g, 'Personnalité ' || (g %% 997), '',
                CASE WHEN g %% 5 = 0 THEN 'en' ELSE 'fr' END,
                CASE WHEN g %% 20 = 0 THEN 'rejected' WHEN g %% 10 = 1 THEN 'published'
                     WHEN g %% 3 = 0 THEN 'draft' ELSE 'researching' END,
                '', now() - (g %% 240) * interval '1 hour', now(), 1,
                CASE WHEN g %% 10 = 1 THEN now() END, CASE WHEN g %% 10 = 1 THEN now() END
            FROM generate_series(%s, %s) AS g
            """,
            [have + 1, total_claims],
        )
        cursor.execute(
            """
            INSERT INTO claims_evidence (claim_id, source_id, stance, quote, note, added_at, quote_status,
                quote_unverified_because, quote_override_reason, page_changed, archive_url, archive_quote_status)
            SELECT c.id, 1 + ((c.id * 7919 + k * 104729) %% %s),
                CASE WHEN c.id %% 8 = 0 THEN 'context' WHEN (c.id + k) %% 20 < 8 THEN 'supports'
                     WHEN (c.id + k) %% 20 < 13 THEN 'refutes' ELSE 'context' END,
                CASE WHEN (c.id * k) %% 10 < 7 THEN 'citation ' || c.id ELSE '' END, '', now(),
                CASE WHEN (c.id * k) %% 10 >= 7 THEN 'unverified'
                     WHEN (c.id + 3 * k) %% 25 < 2 THEN 'missing'
                     WHEN (c.id + 3 * k) %% 25 < 5 THEN 'unverified' ELSE 'found' END,
                '', '', (c.id + k) %% 20 = 0, '', ''
            FROM claims_claim AS c CROSS JOIN LATERAL generate_series(1, 1 + c.id %% 2) AS k
            WHERE c.id > %s
            """,
            [want_sources, last_claim],
        )
        cursor.execute("ANALYZE claims_claim, claims_evidence, claims_source, claims_flag")
        cursor.execute(
            "SELECT (SELECT count(*) FROM claims_claim), (SELECT count(*) FROM claims_evidence), "
            "(SELECT count(*) FROM claims_source)"
        )
        claims, evidence, sources = _row(cursor.fetchone())
    return claims, evidence, sources


def _row(row: tuple[Any, ...] | None) -> tuple[int, ...]:
    """A row of counts and ids, as ints (a query of aggregates always returns one)."""
    if row is None:
        raise RuntimeError("an aggregate query returned no row")
    return tuple(int(value) for value in row)


def sweep_explain() -> str:
    """The plans PostgreSQL picks for the statements `flags_sweep()` sends now: each is EXPLAINed instead of run."""
    notes: list[str] = []

    def explain_instead(
        execute: Callable[..., object], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> object:
        verb = sql.split(None, 1)[0].upper()
        if verb not in ("INSERT", "UPDATE", "DELETE"):
            return execute(sql, params, many, context)
        cursor = context["cursor"]
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        kind = next((p for p in (params or []) if isinstance(p, str) and p in FlagKind.values), "")
        if not kind:
            kind = next((k for k in FlagKind.values if f"'{k}'" in sql), "?")
        notes.append(f"{verb} `{kind}`: {', '.join(_plan_joins(verb, plan)) or 'no join'}")
        return None

    with connection.execute_wrapper(explain_instead):
        try:
            flags_sweep()
        except Exception as exc:  # noqa: BLE001 - a diagnosis only
            notes.append(f"(EXPLAIN failed: {type(exc).__name__}: {exc})")
    return " · ".join(notes)


def _plan_joins(verb: str, plan: str) -> list[str]:
    """The joins of a plan that decide how the sweep grows with the table, in words."""
    found = []
    if (
        verb == "INSERT"
        and "Nested Loop Anti Join" in plan
        and re.search(r"Seq Scan on claims_flag|flag_open_kind_idx", plan)
    ):
        found.append(
            "nested loop anti join reading claims_flag (all of it, or all open flags of the kind) for every row"
        )
    elif "Nested Loop Anti Join" in plan:
        found.append("nested loop anti join")
    for join in ("Hash Anti Join", "Merge Anti Join", "Hash Join", "Merge Join"):
        if join in plan:
            found.append(join.lower())
    if re.search(r"NOT \(SubPlan", plan):
        found.append("NOT IN as a plain SubPlan (not hashed: rescanned for every row)")
    elif "hashed SubPlan" in plan:
        found.append("hashed NOT IN")
    return found
