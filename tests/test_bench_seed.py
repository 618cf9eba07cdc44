"""The benchmarks' hand-written SQL follows the schema: `make bench-fetch` grows its sweep data set with
INSERT … SELECT and empties tables with TRUNCATE, which a new column or a new table referring to them breaks (as
they once did, after the run)."""

import pytest

from bench.fetch.sweeps import _sweep_size
from claims.models import Claim, Event, Evidence, Flag, Source

pytestmark = pytest.mark.django_db


def test_the_sweep_part_of_bench_fetch_runs_on_todays_schema():
    run = _sweep_size(40, timeout=60)

    assert (run.claims, run.sources) == (40, 10)
    assert 40 <= run.evidence <= 80
    assert (Claim.objects.count(), Evidence.objects.count(), Source.objects.count()) == (40, run.evidence, 10)
    assert run.finished and run.cold.result["raised"] > 0
    assert Event.objects.filter(type="flag.raised").count() == Flag.objects.count()
