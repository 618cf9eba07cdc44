"""The benchmarks' hand-written SQL follows the schema: `make bench-fetch` grows its sweep data set with
INSERT … SELECT, which a new NOT NULL column without a database default breaks (as it once did, after the run)."""

import pytest

from bench.fetch.sweeps import sweep_seed
from claims.flags import flags_sweep
from claims.models import Claim, Evidence, Source

pytestmark = pytest.mark.django_db


def test_the_sweep_data_set_is_seeded_into_todays_schema_and_swept():
    claims, evidence, sources = sweep_seed(40)

    assert (claims, sources) == (40, 10)
    assert 40 <= evidence <= 80
    assert (Claim.objects.count(), Evidence.objects.count(), Source.objects.count()) == (claims, evidence, sources)
    assert sum(flags_sweep().values()) > 0
