"""The watch as the tests run it: a source checked now, through the dispatcher's lease and the real check."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from claims.models import Check, Evidence, Source, Stance
from claims.sources.check import source_check
from claims.sources.dispatch import sources_dispatch
from tests.factories import EvidenceFactory


def check_now(source: Source, *, now: datetime | None = None) -> Check | None:
    """Make the source due, claim it as the dispatcher does, and run its check."""
    now = now or timezone.now()
    Source.objects.filter(pk=source.pk).update(next_check_at=now, lease_token=None)
    (lease,) = [
        lease for lease in sources_dispatch(now=now, enqueue=lambda lease: None) if lease.source_id == source.pk
    ]
    return source_check(source_id=lease.source_id, token=lease.token, now=now)


def cite(url: str, quote: str = "", stance: str = Stance.REFUTES) -> Evidence:
    """Evidence of a new claim citing the page at `url`."""
    source = Source.objects.get_or_create(url=url, defaults={"host": "127.0.0.1"})[0]
    return EvidenceFactory(source=source, quote=quote, stance=stance)
