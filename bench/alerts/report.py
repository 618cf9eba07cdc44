"""The bench-alerts section of docs/benchmarks.md, written from what the run measured."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field

import psutil

from bench.alerts.desk import DeskRun
from bench.alerts.direct import PROBES, DirectRun
from bench.alerts.receiver import ENDPOINTS
from bench.alerts.tally import EndpointTally, percentile
from bench.fetch.cpu import CpuSample


@dataclass
class Context:
    """Everything the report says: the run's setting, the yardsticks, then what each phase measured."""

    command: str
    date: str
    database: str
    code: str
    pg_version: str
    redis_version: str
    events: int
    concurrency: int
    slow: float
    fail_every: int
    retry_base: float
    retry_max: float
    lease: float
    webhook_timeout: float
    round_trips: dict[str, float] = field(default_factory=dict)  # seconds, median bare POST per endpoint
    desk: DeskRun = field(default_factory=DeskRun)
    direct: DirectRun = field(default_factory=DirectRun)
    desk_tallies: dict[str, EndpointTally] = field(default_factory=dict)
    direct_tallies: dict[str, EndpointTally] = field(default_factory=dict)
    total: float = 0.0  # seconds, the whole command
    load: tuple[float, float] = (0.0, 0.0)  # the 1-minute load average as the desk's run began and when all ended

    def tries(self, name: str) -> float:
        """Requests per delivery the endpoint took in the desk's run (the flaky one's failures included)."""
        t = self.desk_tallies.get(name)
        return t.requests / t.delivered if t and t.delivered else 1.0

    @property
    def service(self) -> float:
        """Mean seconds a sender is busy per delivery over the mix: each endpoint's round trip times its tries."""
        return sum(self.round_trips[name] * self.tries(name) for name in ENDPOINTS) / len(ENDPOINTS)

    @property
    def ideal(self) -> float:
        """Deliveries per second if `concurrency` senders did nothing but wait for the receivers."""
        return self.concurrency / self.service if self.service else 0.0

    @property
    def problems(self) -> list[str]:
        """What must be 0 and is not: the run fails with these."""
        found = []
        for phase, tallies in (("desk", self.desk_tallies), ("direct", self.direct_tallies)):
            for name, t in tallies.items():
                for what, n in (
                    ("lost", t.lost),
                    ("duplicated", t.duplicated),
                    ("unexpected", t.unexpected),
                    ("badly signed", t.bad_signatures),
                ):
                    if n:
                        found.append(f"{phase} {name}: {n} webhook-ids {what}")
        if self.desk.timed_out:
            found.append("desk: timed out")
        failed = self.desk.statuses.get("failed", 0)
        if failed:
            found.append(f"desk: {failed} deliveries failed")
        if self.direct.gave_up:
            found.append(f"direct: {self.direct.gave_up} sends given up")
        return found


def _total(tallies: dict[str, EndpointTally]) -> tuple[int, float, list[float]]:
    """Deliveries, the span until the last one and every delay, over all endpoints."""
    delivered = sum(t.delivered for t in tallies.values())
    span = max((t.span for t in tallies.values()), default=0.0)
    delays = [d for t in tallies.values() for d in t.delays]
    return delivered, span, delays


def rate(tallies: dict[str, EndpointTally]) -> float:
    delivered, span, _ = _total(tallies)
    return delivered / span if span else 0.0


def _ms(cpu_seconds: float, deliveries: int) -> float:
    return cpu_seconds / max(deliveries, 1) * 1000


def _n(value: int) -> str:
    return f"{value:,}"


def render(ctx: Context) -> str:
    lines = [
        "## Webhook deliveries (make bench-alerts)",
        "",
        *_setting(ctx),
        *_ideal(ctx),
        *_results(ctx),
        *_per_endpoint(ctx),
        *_analysis(ctx),
        *_verdicts(ctx),
    ]
    return "\n".join(lines) + "\n"


def _setting(ctx: Context) -> list[str]:
    cores = os.cpu_count() or 1
    memory = psutil.virtual_memory().total / 2**30
    d = ctx.desk
    return [
        f"- Command: `{ctx.command}` (`bench/bench_alerts.py`), run {ctx.date}, {ctx.total:.0f} s in all.",
        f"- Code measured: {ctx.code}.",
        f"- Machine: {cores} CPUs (`os.cpu_count()`), {memory:.0f} GiB, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {ctx.pg_version}, Redis {ctx.redis_version}; everything "
        "(receivers, worker, PostgreSQL, Redis, this process) on the same machine, shared with other work (load "
        f"average {ctx.load[0]:.1f} as the desk's run began, {ctx.load[1]:.1f} when the baseline ended, on {cores} "
        "cores): the figures include that contention.",
        f"- Events: {_n(ctx.events)} fact-checks published three days ago with no decisive evidence (rows written in "
        "bulk), then one flags sweep (`claims.flags.flags_sweep`, as beat runs it) in its own transaction: it raises "
        f"an `unproven` flag on each and writes {_n(d.events)} `flag.raised` events in the outbox "
        f"({d.sweep_seconds:.1f} s until the commit); on commit it sends `events_plan_task` to the broker, as the desk "
        f"does. Three endpoints subscribed to `flag.raised` (`endpoint_create` by an editor): {_n(d.expected)} "
        "deliveries. The claims have no assignee, so no mail notice is planned: webhooks only.",
        f"- Receivers: one process (`bench/alerts/receiver.py`, `harness/webhook_receiver.py`, a thread per "
        "connection) on 127.0.0.1, three paths: **fast** answers 200 at once, **slow** answers 200 after "
        f"{ctx.slow * 1000:.0f} ms, **flaky** answers 500 to every {_ordinal(ctx.fail_every)} request (alternately: "
        "half of its answers, deterministic) and 200 otherwise. Each records the `webhook-id`, signature and the "
        "time it read each request.",
        f"- Worker: `celery -A factcheck worker --pool=prefork --concurrency={ctx.concurrency} --queues=alerts` "
        f"({d.processes} processes; docker-compose's alerts worker runs 4: {ctx.concurrency} here puts the receivers' "
        "latency bound above what the machine's cores can send, so that the run shows what the desk itself costs; "
        "`--concurrency 4` for the production pool), `factcheck.settings.test`, "
        "`DJANGO_CONN_MAX_AGE=60` as in production, "
        f"`FACTCHECK_ALERT_RETRY_BASE_SECONDS={ctx.retry_base:g}`, `FACTCHECK_ALERT_RETRY_MAX_SECONDS="
        f"{ctx.retry_max:g}` (production: 30 and 3600), `FACTCHECK_ALERT_LEASE_SECONDS={ctx.lease:g}`, "
        f"`FACTCHECK_WEBHOOK_TIMEOUT={ctx.webhook_timeout:g}`, fetcher allowed 127.0.0.0/8 and the receiver's port "
        f"only; its own database `{ctx.database}`, a throwaway `redis-server` on 127.0.0.1. No beat during "
        "the run (`alerts_due_task` is not needed when no message is lost).",
        "- Clock: from the sweep's commit (`time.time()` in an on-commit callback that runs just before the one "
        "sending the plan) to the receiver's reading of each `webhook-id`'s first request answered 2xx. "
        "Deliveries per second = deliveries / (last such receipt − commit). The events come as one burst, so a "
        "delivery's delay is mostly its wait in the queue behind the others.",
        f"- Baseline, same run: the same {_n(d.expected)} deliveries, same bodies, signed per try by "
        "`webhooks.signed_headers` and POSTed by `claims.sources.fetching.post` (the desk's own sender) from "
        f"{ctx.concurrency} threads of the bench process, to the same receivers on their own paths; a failure is "
        "tried again at once. No Celery, no database, no lease: what sending alone costs.",
        "",
    ]


def _ordinal(n: int) -> str:
    return {1: "", 2: "second", 3: "third"}.get(n, f"{n}th")


def _ideal(ctx: Context) -> list[str]:
    lines = [
        "### The ideal: the receivers' latency and the worker's concurrency",
        "",
        f"Bare round trip = median of {PROBES} POSTs in a row with `http.client` from this process, a new "
        "connection each (as the fetcher opens one per delivery). Requests per delivery as the desk's run took them.",
        "",
        "| endpoint | bare round trip | requests per delivery | sender busy per delivery |",
        "|---|---|---|---|",
    ]
    for name in ENDPOINTS:
        rt, tries = ctx.round_trips[name], ctx.tries(name)
        lines.append(f"| {name} | {rt * 1000:.1f} ms | {tries:.2f} | {rt * tries * 1000:.1f} ms |")
    lines += [
        f"| **mean over the mix** | | | **{ctx.service * 1000:.1f} ms** |",
        "",
        f"Ideal = concurrency / mean = {ctx.concurrency} / {ctx.service * 1000:.1f} ms = "
        f"**{ctx.ideal:.0f} deliveries/s**: {_n(ctx.desk.expected)} deliveries in "
        f"{ctx.desk.expected / ctx.ideal if ctx.ideal else 0:.0f} s at best. It counts no CPU: on "
        f"{os.cpu_count()} cores the senders, PostgreSQL and the receivers share the same CPUs.",
        "",
    ]
    return lines


def _results(ctx: Context) -> list[str]:
    d, b = ctx.desk, ctx.direct
    desk_n, desk_span, desk_delays = _total(ctx.desk_tallies)
    base_n, base_span, base_delays = _total(ctx.direct_tallies)
    desk_rate, base_rate = rate(ctx.desk_tallies), rate(ctx.direct_tallies)
    ideal = ctx.ideal or 1.0
    cores = os.cpu_count() or 1

    def cpu_row(what: str, desk_s: float, base_s: float | None, note: str = "") -> str:
        base = "–" if base_s is None else f"{_ms(base_s, base_n):.2f} ms"
        return f"| {what} | {_ms(desk_s, desk_n):.2f} ms | {base} | {note} |"

    desk_senders = d.cpu.worker + d.cpu.postgres + d.cpu.redis
    ratio_cpu = _ms(desk_senders, desk_n) / _ms(b.cpu.bench, base_n) if b.cpu.bench else 0.0
    ratio_worker = _ms(d.cpu.worker, desk_n) / _ms(b.cpu.bench, base_n) if b.cpu.bench else 0.0
    return [
        f"### {_n(d.expected)} deliveries: the desk against the ideal and the baseline",
        "",
        f"| | desk (Celery worker, {ctx.concurrency} processes) | baseline ({ctx.concurrency} threads, no Celery, "
        "no database) | ideal |",
        "|---|---|---|---|",
        f"| deliveries per second | **{desk_rate:.1f}** | {base_rate:.1f} | {ctx.ideal:.0f} |",
        f"| share of the ideal | **{desk_rate / ideal:.0%}** | {base_rate / ideal:.0%} | 100% |",
        f"| desk / baseline | **{desk_rate / base_rate if base_rate else 0:.2f}×** | 1 | |",
        f"| wall time, commit (or first send) → last delivery | {desk_span:.1f} s | {base_span:.1f} s | "
        f"{d.expected / ideal:.1f} s |",
        f"| deliveries made (of {_n(d.expected)}) | {_n(desk_n)} | {_n(base_n)} | |",
        f"| delay to receipt p50 / p95 / max | {percentile(desk_delays, 0.5):.1f} / "
        f"**{percentile(desk_delays, 0.95):.1f}** / {max(desk_delays, default=0):.1f} s | "
        f"{percentile(base_delays, 0.5):.1f} / {percentile(base_delays, 0.95):.1f} / "
        f"{max(base_delays, default=0):.1f} s | |",
        f"| requests the receivers took (failures included) | {_n(sum(t.requests for t in ctx.desk_tallies.values()))} "
        f"| {_n(b.posts)} | |",
        f"| delivery rows: {', '.join(sorted(d.statuses))} | "
        f"{', '.join(_n(d.statuses[s]) for s in sorted(d.statuses))} | – | |",
        "",
        "CPU per delivery made (user + system seconds over the phase / deliveries):",
        "",
        "| whose | desk | baseline | |",
        "|---|---|---|---|",
        cpu_row("senders: the worker (parent and prefork children) / the bench's threads", d.cpu.worker, b.cpu.bench),
        cpu_row("PostgreSQL (every backend of the server)", d.cpu.postgres, None),
        cpu_row("Redis", d.cpu.redis, None),
        cpu_row(
            "**desk in all (worker + PostgreSQL + Redis) / baseline sender**",
            desk_senders,
            b.cpu.bench,
            f"**{ratio_cpu:.1f}×** the baseline (worker alone {ratio_worker:.1f}×)",
        ),
        cpu_row("receivers", d.cpu.server, b.cpu.server),
        cpu_row("bench process (polling the rows)", d.cpu.bench, None),
        cpu_row("other processes of the machine", d.cpu.others, b.cpu.others, "0 on a quiet machine"),
        f"| machine busy | {_busy(d.cpu, desk_span, cores)} | {_busy(b.cpu, base_span, cores)} | |",
        "",
    ]


def _busy(cpu: CpuSample, span: float, cores: int) -> str:
    return f"{cpu.machine / (span * cores):.0%} of {cores} CPUs" if span else "–"


def _per_endpoint(ctx: Context) -> list[str]:
    lines = [
        "### Per endpoint: every webhook-id once at each receiver",
        "",
        "Lost = expected ids never answered 2xx; duplicated = 2xx answers beyond an id's first; signatures checked "
        "against each endpoint's secret (Standard Webhooks, `standardwebhooks`).",
        "",
        "| endpoint | phase | deliveries/s | p95 delay | last delivery | requests (failed) | attempts in the rows "
        "(most for one) | lost | duplicated | unexpected | bad signatures |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ENDPOINTS:
        for phase, tallies in (("desk", ctx.desk_tallies), ("baseline", ctx.direct_tallies)):
            t = tallies[name]
            key = f"bench-alerts {name}"
            attempts = (
                f"{_n(ctx.desk.attempts.get(key, 0))} ({ctx.desk.most_attempts.get(key, 0)})"
                if phase == "desk"
                else "–"
            )
            lines.append(
                f"| {name} | {phase} | {t.rate:.1f} | {percentile(t.delays, 0.95):.1f} s | {t.span:.1f} s | "
                f"{_n(t.requests)} ({_n(t.failures)}) | {attempts} | **{t.lost}** | "
                f"**{t.duplicated}** | {t.unexpected} | {t.bad_signatures} |"
            )
    return [*lines, ""]


def _analysis(ctx: Context) -> list[str]:
    """Where the time went, from the figures above."""
    d = ctx.desk
    delivered, span, _ = _total(ctx.desk_tallies)
    if not delivered or not span:
        return []
    cores = os.cpu_count() or 1
    spent = d.cpu.worker + d.cpu.postgres + d.cpu.redis + d.cpu.server + d.cpu.bench
    ceiling = cores / (spent / delivered)
    first_done = min(t.span for t in ctx.desk_tallies.values())
    flaky = ctx.desk_tallies.get("flaky")
    made, base_n = rate(ctx.desk_tallies), _total(ctx.direct_tallies)[0]
    lines = [
        "### Where the time goes",
        "",
        f"- CPU: the desk's parties spent {_ms(spent, delivered):.1f} ms of CPU per delivery (worker, PostgreSQL, "
        f"Redis, receivers, this process), so {cores} cores cannot make more than {ceiling:.0f} deliveries/s "
        f"however many senders wait: the run made {made:.0f}/s ({made / ceiling:.0%} of that ceiling), below the "
        f"latency ideal of {ctx.ideal:.0f}/s. The baseline spends {_ms(ctx.direct.cpu.bench, base_n):.1f} ms per "
        f"delivery sending, and reaches {rate(ctx.direct_tallies) / (ctx.ideal or 1):.0%} of the latency ideal.",
    ]
    if flaky is not None and flaky.span > first_done:
        lines.append(
            f"- The tail: the fast and slow endpoints had every delivery {first_done:.0f} s after the commit, the "
            f"flaky one {flaky.span - first_done:.0f} s later. A failed try is sent again with a countdown "
            "(`delivery_send_task.apply_async(countdown=…)`), and that message joins the same `alerts` queue at "
            "once, behind the burst's messages still waiting: each retry waits its turn again (its backoff runs out "
            "meanwhile). "
            f"The most tries one delivery needed: {d.most_attempts.get('bench-alerts flaky', 0)}."
        )
    lines += [
        "- The delay: the events are one burst, so p50 and p95 are mostly time spent in the queue; they grow with the "
        "burst (about burst / deliveries per second at most).",
        "",
    ]
    return lines


def _verdicts(ctx: Context) -> list[str]:
    problems = ctx.problems
    lines = ["### Verdict", ""]
    if problems:
        lines.append("**FAILED**: " + "; ".join(problems) + ".")
    else:
        lines.append(
            "0 lost and 0 duplicated `webhook-id`s at every receiver, every signature valid, every delivery "
            "delivered: met."
        )
    if ctx.desk.worker_errors:
        lines += ["", "The worker's first errors:", "", "```", *ctx.desk.worker_errors, "```"]
    return [*lines, ""]
