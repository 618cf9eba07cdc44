"""A published fact-check whose quote its page dropped, as the watch finds it: for the alerts' tests."""

from claims.flags import flags_sweep
from claims.models import ClaimStatus, Evidence, QuoteStatus, Snapshot, Source
from tests.factories import claim_at

CITED = (
    "Selon nos sources, le laboratoire a dépensé bien davantage. Il n'existe aucune preuve publique de ce chiffre "
    "à ce jour. OpenAI n'a pas publié ses éléments."
)
NOW = (
    "Selon nos sources, le laboratoire a dépensé bien davantage. Des documents ont depuis été publiés par le "
    "laboratoire. OpenAI n'a pas publié ses éléments."
)


def quote_lost_on_published_claim(assignee=None):
    """A published fact-check whose quote the page dropped: two snapshots, then the sweep's flag."""
    claim = claim_at(ClaimStatus.PUBLISHED, assignee=assignee) if assignee else claim_at(ClaimStatus.PUBLISHED)
    evidence = claim.evidence.get()
    source: Source = evidence.source
    cited = Snapshot.objects.create(source=source, final_url=source.url, text=CITED, raw_sha256="a", text_sha256="a")
    latest = Snapshot.objects.create(source=source, final_url=source.url, text=NOW, raw_sha256="b", text_sha256="b")
    Evidence.objects.filter(pk=evidence.pk).update(
        quote="aucune preuve publique", quote_status=QuoteStatus.MISSING, cited_snapshot=cited, snapshot=latest
    )
    flags_sweep(claim_ids=[claim.pk])
    return claim
