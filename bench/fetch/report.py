"""The bench-fetch section of docs/benchmarks.md, written from what the run measured: one function per part."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field

import psutil

from bench.common import ROOT
from bench.fetch import breakdown as steps
from bench.fetch import profile
from bench.fetch.breakdown import Breakdown
from bench.fetch.endtoend import BEAT_EVERY, EndToEndRun
from bench.fetch.linkchecker import LinkCheckerRun
from bench.fetch.pageserver import LOAD_CONCURRENCY, PageSet
from bench.fetch.sweeps import HINTED_WORK_MEM, PHASES, SweepPhase, SweepRun
from harness import SEED_ARTICLE

Row = tuple[str, list[str], str]  # a line of the end-to-end table: what, one value per run, target or baseline


@dataclass
class Context:
    """Everything the report says: the run's setting, then what each part measured (None or empty if not run)."""

    code: str  # the commit and the hashes of the files measured
    argv: str  # the arguments of the run, as given
    date: str
    page_set: PageSet
    page_kb: tuple[float, float, float]  # smallest, largest, mean
    server_capacity: float  # requests per second
    pg_version: str
    redis_version: str
    e2e: list[EndToEndRun] = field(default_factory=list)  # the default limits first, then the information run
    linkchecker: LinkCheckerRun | None = None
    breakdown: Breakdown | None = None
    sweeps: list[SweepRun] = field(default_factory=list)
    sweep_timeout: int = 0
    total: float = 0.0  # seconds, the whole run

    @property
    def base(self) -> EndToEndRun | None:
        """The run at the default limits, which the targets are about."""
        return self.e2e[0] if self.e2e else None


def render(ctx: Context) -> str:
    lines = [
        *_setting(ctx),
        *_pages_and_clock(ctx),
        *_end_to_end(ctx),
        *_linkchecker(ctx),
        *_breakdown(ctx.breakdown),
        *_sweeps(ctx.sweeps),
        *_verdicts(ctx),
    ]
    analysis = _analysis(ctx)
    if analysis:
        lines.append("\n" + analysis)
    return "\n".join(lines) + "\n"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


# --- The setting ---------------------------------------------------------------------------------------------------


def _setting(ctx: Context) -> list[str]:
    return [
        "## Source checking throughput and the flags sweep (`make bench-fetch`)\n",
        f"- Command: `make bench-fetch` (`bench/bench_fetch.py{ctx.argv}`), run {ctx.date}, {ctx.total:.0f} s in all.",
        f"- Code measured: {ctx.code}.",
        f"- Machine: {os.cpu_count()} CPUs (`os.cpu_count()`), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, PostgreSQL "
        f"{ctx.pg_version}, Redis {ctx.redis_version}; everything (pages, worker, PostgreSQL, Redis, "
        "LinkChecker) on the same machine.",
    ]


def _pages_and_clock(ctx: Context) -> list[str]:
    pages, (smallest, largest, mean) = ctx.page_set, ctx.page_kb
    most_asked = max((r.ideal for r in ctx.e2e), default=0)
    return [
        f"- Pages: {pages.count:,} French news pages from `bench/pages.py` ({smallest:.0f}–{largest:.0f} KB, mean "
        f"{mean:.1f} KB: title, navigation, article paragraphs built from `{SEED_ARTICLE.relative_to(ROOT)}`, aside, "
        f"footer), {pages.pages} on each of {pages.hosts} hosts 127.0.0.2 … 127.0.0.{1 + pages.hosts} port "
        f"{pages.port}, each answer held {pages.latency * 1000:.0f} ms before its first byte. One asyncio server "
        f"process; its capacity, measured first: {ctx.server_capacity:.0f} requests/s with {LOAD_CONCURRENCY} "
        "clients and a new connection per request (the most the end-to-end runs ask is "
        f"{most_asked:.0f}/s).",
        "- Settings: `factcheck.settings.test` (`FACTCHECK_FETCH_ALLOW_NETWORKS=127.0.0.0/8`; the worker with "
        "`DJANGO_CONN_MAX_AGE=60` and its cache on Redis, as in production), database `factcheck_bench_fetch`, a "
        "throwaway `redis-server` on 127.0.0.1; worker `python -m celery -A factcheck worker --loglevel=INFO` "
        "(prefork, `CELERY_WORKER_CONCURRENCY` left to its default, the global limit and half as many again). Each "
        "source has one claim and one quoted `supports` evidence; sources are due in a shuffled order.",
        "- Clock: from the first `sources_dispatch()` (called in the bench process, which also plays beat "
        f"every {BEAT_EVERY:g} s) until every source has a `Check` row. Ideal = effective concurrency / latency, "
        "effective concurrency = min(global, hosts × per host).\n",
    ]


# --- End to end ----------------------------------------------------------------------------------------------------


def _end_to_end(ctx: Context) -> list[str]:
    if ctx.base is None:
        return []
    head = [
        "",
        *[
            f"per host {r.per_host}, global {r.global_limit}, {r.sources:,} sources"
            + (" (default)" if i == 0 else " (information)")
            for i, r in enumerate(ctx.e2e)
        ],
        "target / baseline",
    ]
    lines = [
        "### End to end: dispatch, fetch, extraction, storage, quote check, flags sweep\n",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for label, values, target in [*_speed_rows(ctx, ctx.base), *_cost_rows(ctx.e2e, ctx.linkchecker)]:
        lines.append(f"| {label} | " + " | ".join(values) + f" | {target} |")
    for r in ctx.e2e:
        if r.timed_out:
            lines.append(f"\nThe run at global {r.global_limit} timed out before every source was checked.")
        if r.worker_errors:
            lines.append(f"\nWorker errors at global {r.global_limit}: `{r.worker_errors[0][:300]}`")
    return [*lines, ""]


def _speed_rows(ctx: Context, base: EndToEndRun) -> list[Row]:
    """How fast, and what came of the checks."""
    runs, lc = ctx.e2e, ctx.linkchecker
    lc_rate = lc.rate_without_startup if lc and not lc.error else 0
    return [
        (
            "sources checked per second",
            [f"**{r.rate:.1f}**" for r in runs],
            f"ideal {base.ideal:.0f}/s, target ≥ {0.8 * base.ideal:.0f}/s; LinkChecker {lc_rate:.1f}/s",
        ),
        ("share of the ideal", [f"{r.rate / r.ideal:.0%} of {r.ideal:.0f}/s" for r in runs], "≥ 80%"),
        ("wall time for all sources", [f"{r.elapsed:.1f} s" for r in runs], f"ideal {base.sources / base.ideal:.1f} s"),
        (
            "outcomes",
            [", ".join(f"{k} {v}" for k, v in sorted(r.outcomes.items())) or "none" for r in runs],
            f"all ok ({base.sources:,})",
        ),
        ("sources checked twice", [str(r.duplicates) for r in runs], "0"),
        (
            "quotes found / snapshots / open flags",
            [f"{r.quotes.get('found', 0)} / {r.snapshots} / {r.flags_open}" for r in runs],
            "",
        ),
        (
            "Check.duration_ms p50 / p95",
            [f"{r.p50:.0f} / {r.p95:.0f} ms" for r in runs],
            f"latency {ctx.page_set.latency * 1000:.0f} ms",
        ),
        (
            "fetches in flight on average (Σ duration / wall)",
            [f"{r.in_flight:.1f}" for r in runs],
            "effective concurrency",
        ),
    ]


def _cost_rows(runs: list[EndToEndRun], lc: LinkCheckerRun | None) -> list[Row]:
    """What the checks cost the machine, and how the worker and beat went about them."""
    return [
        (
            "worker CPU per check (parent + prefork children)",
            [f"**{r.per_check_ms(r.cpu.worker):.1f} ms**" for r in runs],
            f"LinkChecker {lc.cpu_per_check_ms:.1f} ms" if lc and not lc.error else "",
        ),
        ("PostgreSQL CPU per check (whole server)", [f"{r.per_check_ms(r.cpu.postgres):.1f} ms" for r in runs], ""),
        *(
            [
                (
                    "worker + PostgreSQL CPU per check / LinkChecker's CPU per URL",
                    [f"**{_first_check_ms(r) / lc.cpu_per_check_ms:.1f}×**" for r in runs],
                    "target ≤ 6× (issue 14; 15× before it)",
                )
            ]
            if lc and not lc.error and lc.cpu_per_check_ms
            else []
        ),
        (
            "page server / Redis / bench process CPU per check",
            [
                f"{r.per_check_ms(r.cpu.server):.1f} / {r.per_check_ms(r.cpu.redis):.1f} / "
                f"{r.per_check_ms(r.cpu.bench):.1f} ms"
                for r in runs
            ],
            "",
        ),
        ("machine CPU busy during the run", [f"{r.machine_busy:.0%} of {os.cpu_count()} CPUs" for r in runs], ""),
        (
            "CPU taken by other processes of the machine (not the bench's, not PostgreSQL)",
            [f"{r.cpu.others:.0f} s = {r.cpu.others / r.elapsed:.2f} CPU" for r in runs],
            "0 on a quiet machine",
        ),
        ("worker processes", [str(r.processes) for r in runs], ""),
        ("beat calls / slots beat filled", [f"{r.beat_calls} / {r.beat_leases}" for r in runs], ""),
        (
            "flags sweeps after checks (checks per sweep)",
            [f"{r.sweeps} ({r.checked / r.sweeps:.0f})" if r.sweeps else "0" for r in runs],
            "one per `FACTCHECK_SWEEP_DELAY_SECONDS` (the worker's cache, which spaces them, on Redis as in "
            "production)",
        ),
    ]


def _first_check_ms(run: EndToEndRun) -> float:
    """The CPU a check cost end to end: the worker's and PostgreSQL's."""
    return run.per_check_ms(run.cpu.worker) + run.per_check_ms(run.cpu.postgres)


# --- LinkChecker ---------------------------------------------------------------------------------------------------

LINKCHECKER_SETUP = (
    "LinkChecker has no per-host concurrency limit: its per-host limit is a rate, `maxrequestspersecond`, "
    "which spaces the starts of requests to one host by a random 1/rate … 6/rate seconds (so about a third "
    "of the rate on average). It is set to 20, the most our limit allows (2 at once × 1 / 100 ms); above 10 "
    "LinkChecker only honours it for servers that answer with a `LinkChecker` header, which the bench pages "
    "send. `threads` = 8 = our global limit. `--no-robots` because our checker does not read robots.txt; "
    "`-r0`: the 2,000 URLs are checked, not crawled. LinkChecker checks the status and reads the page; it "
    "extracts, stores and compares nothing, so it does less work per URL than our checks do. URLs in the "
    "same (shuffled) order as our sources are due.\n"
)


def _linkchecker(ctx: Context) -> list[str]:
    lines = ["### LinkChecker on the same URL list, same run\n"]
    lc = ctx.linkchecker
    if lc is None:
        return [*lines, "Not run (`--skip-linkchecker`).\n"]
    if lc.error:
        return [*lines, f"LinkChecker could not be run: `{lc.error}`\n"]
    return [
        *lines,
        f"{lc.version}, from PyPI (`bench/requirements.txt`), command `{lc.command}`, with this configuration file:\n",
        "```ini\n" + lc.config + "```\n",
        LINKCHECKER_SETUP,
        "| | LinkChecker | ours at the default concurrency |",
        "|---|---|---|",
        *(f"| {label} | {theirs} | {ours} |" for label, theirs, ours in _linkchecker_rows(lc, ctx.base)),
        "",
    ]


def _linkchecker_rows(lc: LinkCheckerRun, base: EndToEndRun | None) -> list[tuple[str, str, str]]:
    return [
        ("URLs checked (valid)", f"{lc.checked:,} ({lc.valid:,})", f"{base.sources:,}" if base else ""),
        ("wall time", f"{lc.wall:.1f} s (startup {lc.startup:.1f} s)", f"{base.elapsed:.1f} s" if base else ""),
        (
            "checks per second",
            f"{lc.rate:.1f} ({lc.rate_without_startup:.1f} without its startup)",
            f"{base.rate:.1f}" if base else "",
        ),
        (
            "CPU per check",
            f"{lc.cpu_per_check_ms:.1f} ms",
            f"{base.per_check_ms(base.cpu.worker):.1f} ms (worker)" if base else "",
        ),
    ]


# --- The CPU of one check ------------------------------------------------------------------------------------------


def _breakdown(bd: Breakdown | None) -> list[str]:
    if bd is None:
        return []
    lines = [
        f"### Where a check's CPU goes: the task's work for {bd.n} sources, one after the other, in one process\n",
        "Timers around the functions (this process's CPU; PostgreSQL's own work is not included), with the "
        "queries each step sends:\n",
        "| step | CPU ms per check | queries per check |",
        "|---|---|---|",
    ]
    for label in steps.REPORT_ORDER:
        indent = "" if label in steps.TASK_STEPS else "&nbsp;&nbsp;"
        indent += "&nbsp;&nbsp;" if label == steps.SSL_CONTEXT else ""
        q = bd.queries.get(label)
        lines.append(f"| {indent}{label} | {bd.cpu_ms.get(label, 0):.1f} | {'' if q is None else f'{q:.1f}'} |")
    inside = sum(bd.cpu_ms.get(k, 0) for k in steps.CHECK_PARTS)
    total = sum(bd.cpu_ms.get(k, 0) for k in steps.TASK_STEPS)
    return [
        *lines,
        "| &nbsp;&nbsp;the rest of source_check (ORM, hashing, compression, storage) | "
        f"{bd.cpu_ms.get(steps.CHECK, 0) - inside:.1f} | |",
        f"| **total in-process** | **{total:.1f}** | **{sum(bd.queries.values()):.0f}** |",
        "| what a new database connection costs (saved by `CONN_MAX_AGE`): client / PostgreSQL CPU, wall | "
        f"{bd.connect_client_ms:.1f} / {bd.connect_postgres_ms:.1f}, {bd.connect_wall_ms:.1f} ms wall | 1 |",
        "",
        *_recheck(bd),
        *_profile(bd),
    ]


def _recheck(bd: Breakdown) -> list[str]:
    """A first check against a re-check of the same, unchanged, pages."""
    first, again = bd.first, bd.recheck
    if first is None or again is None:
        return []
    ratio = again.total_ms / first.total_ms if first.total_ms else 0.0
    return [
        f"The same {bd.n} sources checked a second time, their pages unchanged (the same bytes; the bench pages send "
        "no validators, so no `304`): the whole task per check, this process and PostgreSQL (the whole server, "
        "timers off):\n",
        "| | worker CPU ms per check | PostgreSQL CPU ms per check | together | queries per check |",
        "|---|---|---|---|---|",
        f"| first check | {first.worker_ms:.1f} | {first.postgres_ms:.1f} | {first.total_ms:.1f} | "
        f"{first.queries:.1f} |",
        f"| unchanged re-check | {again.worker_ms:.1f} | {again.postgres_ms:.1f} | {again.total_ms:.1f} | "
        f"{again.queries:.1f} |",
        f"| re-check / first check | | | **{ratio:.2f}** (target ≤ 0.20: "
        f"{'met' if ratio <= 0.2 else '**missed**'}) | |",
        "",
    ]


def _profile(bd: Breakdown) -> list[str]:
    """Each library's share of the worker's CPU in a first check and an unchanged re-check."""
    first, again = bd.first_profile, bd.recheck_profile
    if first is None or again is None or bd.first is None or bd.recheck is None:
        return []
    lines = [
        f"Where this process's CPU goes, by library: the same two passes over {bd.n} other sources under cProfile "
        "(timed in CPU; `bench/fetch/profile.py`), each function's own time given to its library, the standard "
        "library's and the built-ins' (`copy`, regular expressions, hashing, sockets) to the library that called "
        "them. cProfile adds a cost to every Python call, "
        "so code made of many small calls (the ORM) weighs more in its shares than code in C (lxml): the ms are "
        "the shares applied to the passes above, timed without it.\n",
        "| library | first check: share | ms per check | unchanged re-check: share | ms per check |",
        "|---|---|---|---|---|",
    ]
    for label in profile.ORDER:
        a, b = first.shares.get(label, 0.0), again.shares.get(label, 0.0)
        if a >= 0.005 or b >= 0.005:
            lines.append(
                f"| {label} | {a:.0%} | {a * bd.first.worker_ms:.1f} | {b:.0%} | {b * bd.recheck.worker_ms:.1f} |"
            )
    return [*lines, ""]


# --- The flags sweep -----------------------------------------------------------------------------------------------

SWEEP_DATA_SET = (
    "Data set grown with `INSERT … SELECT generate_series` and analysed: 5% rejected and 10% published "
    "claims, created 0–239 h ago (70% past the 72 h of `FACTCHECK_UNPROVEN_AFTER`), one claim in 8 with "
    "context evidence only, 1 or 2 evidence per claim, a source per 4 claims (85% alive, 5% dead, 5% "
    "failing, 5% pending), 70% of evidence quoted (8% missing, 12% unverified), 5% on pages changed "
    "since cited. Cold: the first sweep (no flags yet: it raises them all); warm: the same sweep again "
    "(nothing to change). Queries counted with `CaptureQueriesContext`.\n"
)


def _sweeps(sweeps: list[SweepRun]) -> list[str]:
    if not sweeps:
        return []
    lines = [
        "### Flags sweep (`flags_sweep()`, the whole table)\n",
        SWEEP_DATA_SET,
        "| claims | evidence | seeding | cold sweep (queries) | warm sweep (queries) | flags raised | "
        f"diagnosis: cold with `enable_nestloop=off`, `work_mem={HINTED_WORK_MEM}` (queries) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sweeps:
        raised = s.cold.result.get("raised") or s.hinted.result.get("raised")
        lines.append(
            f"| {s.claims:,} | {s.evidence:,} | {s.seed_seconds:.0f} s | {_sweep_cell(s.cold)} | "
            f"{_sweep_cell(s.warm)} | {f'{raised:,}' if raised else '–'} | {_sweep_cell(s.hinted)} |"
        )
    lines.append(
        "\nThe warm sweep runs after the diagnostic one, on the flags it raised (the cold one's, when it "
        "finished, are the same set)."
    )
    for s in sweeps:
        for phase in PHASES:
            if s.phases[phase].timed_out:
                lines.append(f"\nAt {s.claims:,} claims the {phase} sweep was {s.phases[phase].timed_out}.")
    lines.append("\nPlans PostgreSQL chose for the cold sweep's statements (EXPLAIN, right after seeding):\n")
    lines += [f"- {s.claims:,} claims: {s.plans}" for s in sweeps]
    return [*lines, *_sweep_growth(sweeps), ""]


def _sweep_cell(phase: SweepPhase) -> str:
    if phase.timed_out:
        return f"> {phase.seconds:.0f} s, **did not finish**"
    return f"{phase.seconds:.2f} s ({phase.queries})"


def _sweep_growth(sweeps: list[SweepRun]) -> list[str]:
    """From the smallest size to the largest, when every sweep finished."""
    if len(sweeps) < 2 or not all(s.finished for s in sweeps):
        return []
    a, b = sweeps[0], sweeps[-1]
    size_ratio = b.claims / a.claims
    return [
        f"\n{b.claims / a.claims:.0f}× the claims: cold {b.cold.seconds / a.cold.seconds:.1f}× the time, "
        f"warm {b.warm.seconds / a.warm.seconds:.1f}× (linear would be {size_ratio:.0f}×). Open flags at "
        f"{b.claims:,} claims: {', '.join(f'{k} {v:,}' for k, v in sorted(b.flags_by_kind.items()))}."
    ]


# --- Verdicts ------------------------------------------------------------------------------------------------------


def _verdicts(ctx: Context) -> list[str]:
    lines = ["### Verdicts\n"]
    if ctx.base:
        lines += _throughput_verdicts(ctx.base, ctx.linkchecker)
        lines += _cpu_verdicts(ctx.base, ctx.linkchecker, ctx.breakdown)
    if len(ctx.sweeps) >= 2:
        lines += [_sweep_queries_verdict(ctx.sweeps), _sweep_time_verdict(ctx.sweeps, ctx.sweep_timeout)]
    return lines


def _throughput_verdicts(base: EndToEndRun, lc: LinkCheckerRun | None) -> list[str]:
    share = base.rate / base.ideal
    lines = [
        f"- At least 80% of the ideal at the default concurrency: {verdict(share >= 0.8 and not base.timed_out)} "
        f"({base.rate:.1f} checks/s = {share:.0%} of {base.ideal:.0f}/s).",
        f"- At least 90% of the ideal at the default limits (issue 14): {verdict(share >= 0.9 and not base.timed_out)} "
        f"({base.rate:.1f} checks/s = {share:.0%} of {base.ideal:.0f}/s, the machine {base.machine_busy:.0%} busy).",
    ]
    if lc and not lc.error:
        lines.append(
            f"- Faster than LinkChecker: {verdict(base.rate > lc.rate_without_startup)} ({base.rate:.1f} "
            f"against {lc.rate_without_startup:.1f} checks/s without its startup, {lc.rate:.1f} with it)."
        )
    else:
        lines.append(f"- Faster than LinkChecker: not measured ({lc.error if lc else 'skipped'}).")
    return lines


def _cpu_verdicts(base: EndToEndRun, lc: LinkCheckerRun | None, bd: Breakdown | None) -> list[str]:
    """Issue 14's: the CPU of a first check against LinkChecker's per URL, of an unchanged re-check against a first
    check."""
    lines = []
    if lc and not lc.error and lc.cpu_per_check_ms:
        ratio = _first_check_ms(base) / lc.cpu_per_check_ms
        lines.append(
            f"- A first check's CPU (worker + PostgreSQL) at most 6× LinkChecker's per URL (issue 14): "
            f"{verdict(ratio <= 6)} ({_first_check_ms(base):.1f} ms against {lc.cpu_per_check_ms:.1f} ms: "
            f"{ratio:.1f}×)."
        )
    if bd and bd.first and bd.recheck and bd.first.total_ms:
        ratio = bd.recheck.total_ms / bd.first.total_ms
        lines.append(
            f"- An unchanged re-check at most a fifth of a first check's CPU (issue 14): {verdict(ratio <= 0.2)} "
            f"({bd.recheck.total_ms:.1f} ms against {bd.first.total_ms:.1f} ms: {ratio:.2f})."
        )
    return lines


def _sweep_queries_verdict(sweeps: list[SweepRun]) -> str:
    """The same sweep sends as many queries at every size. A warm sweep, which raises no flag, sends fewer than a
    cold one (no events to record): sweeps are compared with the same sweep at the other sizes."""
    counts = {name: sorted({s.phases[name].queries for s in sweeps if not s.phases[name].timed_out}) for name in PHASES}
    statements = next((s.statements for s in sweeps if s.statements), "")
    unfinished = "".join(
        f"; at {s.claims:,} claims the "
        + " and ".join(name for name in PHASES if s.phases[name].timed_out)
        + " sweep did not finish"
        for s in sweeps
        if not s.finished
    )
    said = ", ".join(f"{name} {' or '.join(str(c) for c in found)}" for name, found in counts.items() if found)
    return (
        f"- Sweep query count constant: {verdict(all(len(found) <= 1 for found in counts.values()))} ({said} "
        f"queries at every size; the last sweep's: {statements}{unfinished})."
    )


def _sweep_time_verdict(sweeps: list[SweepRun], timeout: int) -> str:
    a, b = sweeps[0], sweeps[-1]
    ratio = b.claims / a.claims
    if not (b.cold.timed_out or b.warm.timed_out):
        worst = max(b.cold.seconds / a.cold.seconds, b.warm.seconds / a.warm.seconds)
        return (
            f"- Sweep time at worst linear in claims: {verdict(worst <= ratio * 1.25)} (worst growth "
            f"{worst:.1f}× for {ratio:.0f}× the claims; 25% tolerance for noise)."
        )
    slow = [name for name in ("cold", "warm") if b.phases[name].timed_out]
    growth = ", ".join(f"{name} over {b.phases[name].seconds / a.phases[name].seconds:.0f}×" for name in slow)
    return (
        f"- Sweep time at worst linear in claims: **missed** (at {b.claims:,} claims the {' and '.join(slow)} "
        f"sweep did not finish within {timeout} s for one statement: {growth} the "
        f"time at {a.claims:,} for {ratio:.0f}× the claims; the diagnostic sweep, "
        f"{b.hinted.seconds / max(a.hinted.seconds, 1e-9):.1f}×"
        f"{'' if not b.hinted.timed_out else ' (did not finish either)'})."
    )


# --- Where the time goes -------------------------------------------------------------------------------------------


def _analysis(ctx: Context) -> str:
    if ctx.base is None:
        return ""
    text = [_machine_analysis(ctx.e2e)]
    if ctx.breakdown:
        text.append(_task_analysis(ctx.breakdown))
    if len(ctx.sweeps) >= 2:
        text.append(_sweep_analysis(ctx.sweeps))
    return "".join(text)


def _machine_analysis(runs: list[EndToEndRun]) -> str:
    """What the CPU of all processes per check allows on this machine, whatever the concurrency."""
    base, cpus = runs[0], os.cpu_count() or 1
    cpu = base.cpu
    per_check = (cpu.worker + cpu.postgres + cpu.server + cpu.redis + cpu.bench) / max(base.checked, 1)
    text = (
        f"**Where the time goes.** At the default concurrency the machine was {base.machine_busy:.0%} busy "
        f"({cpu.others / base.elapsed:.2f} CPU of it taken by other processes of the machine, outside the "
        f"bench and PostgreSQL). All processes together spent {per_check * 1000:.0f} ms of CPU per check (worker "
        f"{base.per_check_ms(cpu.worker):.0f}, PostgreSQL {base.per_check_ms(cpu.postgres):.0f}, "
        f"page server {base.per_check_ms(cpu.server):.0f}); with {cpus} CPUs to itself the desk would be "
        f"capped near {cpus / per_check:.0f} checks/s whatever the concurrency"
    )
    if len(runs) > 1:
        hi = runs[1]
        text += f" (the run at global {hi.global_limit}: {hi.rate:.1f} checks/s, {hi.machine_busy:.0%} busy)"
    return (
        f"{text}; 80% of the ideal ({0.8 * base.ideal:.0f}/s) would need {0.8 * base.ideal * per_check:.1f} CPUs, "
        f"or at most {cpus / (0.8 * base.ideal) * 1000:.0f} ms of CPU per check on {cpus}."
    )


def _task_analysis(bd: Breakdown) -> str:
    """The steps of the task that cost the most CPU, from the in-process breakdown."""
    ssl = bd.cpu_ms.get(steps.SSL_CONTEXT, 0)
    ssl_note = (
        "`_ssl_context()`, which loads certifi's CA bundle again for every fetch, even of an http:// page"
        if ssl > 2
        else "`_ssl_context()`"
    )
    return (
        f" In the task itself, `fetch()` costs {bd.cpu_ms.get(steps.FETCH, 0):.1f} ms of CPU, {ssl:.1f} ms of which "
        f"is {ssl_note}; trafilatura {bd.cpu_ms.get(steps.ARTICLE, 0):.1f} ms, the fingerprint "
        f"{bd.cpu_ms.get(steps.FINGERPRINT, 0):.1f} ms, the flags sweep after checks "
        f"{bd.cpu_ms.get(steps.SWEEP, 0):.1f} ms a check (one sweep per {bd.checks_per_sweep} checks) and the "
        f"dispatch {bd.cpu_ms.get(steps.DISPATCH, 0):.1f} ms, with {sum(bd.queries.values()):.0f} queries per check "
        f"in all. A new PostgreSQL connection would cost {bd.connect_postgres_ms:.1f} ms of PostgreSQL CPU and "
        f"{bd.connect_wall_ms:.1f} ms of wall time; the worker keeps its connection (`DJANGO_CONN_MAX_AGE=60`, as "
        "in production)."
    )


def _sweep_analysis(sweeps: list[SweepRun]) -> str:
    a, b = sweeps[0], sweeps[-1]
    text = (
        f"\n\n**The sweep.** At {a.claims:,} claims the cold sweep took {_took(a.cold)}, and {_took(a.hinted)} "
        f"with nested loops off and work_mem {HINTED_WORK_MEM}; at {b.claims:,} claims {_took(b.cold)} and "
        f"{_took(b.hinted)}; the warm sweep {_took(a.warm)} and {_took(b.warm)}."
    )
    if b.cold.timed_out or b.warm.timed_out or b.cold.seconds > 2 * b.hinted.seconds:
        text += (
            " The statements are set-based and fixed in number; what grows faster than the claims is "
            "the plans PostgreSQL picks for them (listed above)."
        )
    return text


def _took(phase: SweepPhase) -> str:
    if phase.timed_out:
        return f"more than {phase.seconds:.0f} s (cancelled)"
    return f"{phase.seconds:.1f} s"
