"""The end-to-end data set: for every bench page, a claim, its source and a quoted evidence, due in a fixed order."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bench import pages
from bench.fetch.pageserver import PageSet
from claims.models import Check, Claim, ClaimStatus, Event, Evidence, Flag, Snapshot, Source, Stance


def claim_tables() -> list[str]:
    return [m._meta.db_table for m in (Event, Flag, Check, Evidence, Snapshot, Source, Claim)]


def flags_empty() -> None:
    """No flag raised yet, nor any event told of one: a sweep's phase starts from nothing."""
    with connection.cursor() as cursor:
        # Inside a transaction (tests/test_bench_seed.py), foreign keys' checks still pending would refuse the TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # With what the alerts planned from those events (deliveries, notices).
        cursor.execute(f"TRUNCATE {Event._meta.db_table}, {Flag._meta.db_table} RESTART IDENTITY CASCADE")


def tables_empty() -> None:
    """Empty every table the benchmark fills, so that each run starts from nothing."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(claim_tables())} RESTART IDENTITY CASCADE")


def page_order(page_set: PageSet) -> list[tuple[int, int]]:
    """Every (host, page), in the shuffled (fixed) order in which the sources are due and LinkChecker gets them."""
    order = [(h, p) for h in range(page_set.hosts) for p in range(page_set.pages)]
    random.Random(4).shuffle(order)
    return order


def page_urls(page_set: PageSet) -> list[str]:
    """Every page's URL, in the order of page_order()."""
    return [pages.page_url(h, p, page_set.port) for h, p in page_order(page_set)]


def sources_seed(page_set: PageSet, limit: int | None = None) -> None:
    """One claim, one source and one quoted `supports` evidence per page (the first `limit` pages of the order)."""
    tables_empty()
    order = page_order(page_set)[:limit]
    now = timezone.now()
    due = now - timedelta(minutes=1)
    sources = Source.objects.bulk_create(
        [
            Source(
                url=pages.page_url(h, p, page_set.port), host=pages.host_address(h), next_check_at=due, created_at=due
            )
            for h, p in order
        ],
        batch_size=1000,
    )
    claims = Claim.objects.bulk_create(
        [
            Claim(
                text=f"Deepseek aurait siphonné le savoir de ChatGPT (affirmation {h:02d}-{p:03d}).",
                claimant="OpenAI",
                status=ClaimStatus.RESEARCHING,
                created_at=now - timedelta(days=1),
            )
            for h, p in order
        ],
        batch_size=1000,
    )
    Evidence.objects.bulk_create(
        [
            Evidence(claim=c, source=s, stance=Stance.SUPPORTS, quote=pages.page_quote(h, p), added_at=due)
            for c, s, (h, p) in zip(claims, sources, order, strict=True)
        ],
        batch_size=1000,
    )
