"""Sources are shared by every claim that cites the same page, however its address was typed."""

import pytest

from claims.errors import InvalidInput
from claims.models import Source, Stance
from claims.services.evidence import evidence_add
from claims.sources.services import url_normalize
from tests.factories import ClaimFactory


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("HTTPS://WWW.Example.COM/Article", "https://www.example.com/Article"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=7&UTM_Campaign=y&fbclid=z", "https://example.com/a?id=7"),
        ("https://example.com/a?utm_medium=social", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?id=1", "https://example.com/?id=1"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        # IDNA 2008, as browsers read names: ß stays ß (IDNA 2003 made it "ss", another domain).
        ("https://straße.example/a", "https://xn--strae-oqa.example/a"),
        ("https://FASS.example/a", "https://fass.example/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        # A path's trailing slash can be another page: kept as typed.
        ("https://example.com/a/", "https://example.com/a/"),
    ],
)
def test_addresses_are_normalized(typed, normalized):
    assert url_normalize(typed) == normalized


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "example.com/article",
        "https://",
        "https://user:secret@example.com/",
        "https://example.com:99999/",
        "https://exa mple.com/",
        "https://example.com/" + "a" * 2100,
        "http://[::1/",
        # Punycode that decodes to nothing valid.
        "https://xn--zz-.example/",
        "https://xn--.example/",
    ],
)
def test_anything_but_a_web_page_address_is_refused_clearly(typed):
    with pytest.raises(InvalidInput) as refusal:
        url_normalize(typed)
    assert refusal.value.errors["url"]


def test_two_claims_citing_one_page_share_its_source(researcher):
    first, second = ClaimFactory(), ClaimFactory()
    a = evidence_add(
        claim=first, url="https://Example.com:443/enquete?utm_source=tw#top", stance=Stance.SUPPORTS, by=researcher
    )
    b = evidence_add(claim=second, url="https://example.com/enquete", stance=Stance.REFUTES, by=researcher)

    assert a.source == b.source
    assert Source.objects.count() == 1
    assert a.source.url == "https://example.com/enquete"
    assert a.source.host == "example.com"
    assert a.source.state == "pending"


def test_a_refused_address_creates_nothing(researcher):
    claim = ClaimFactory()
    with pytest.raises(InvalidInput):
        evidence_add(claim=claim, url="ftp://example.com/x", stance=Stance.SUPPORTS, by=researcher)
    assert not Source.objects.exists()
    assert not claim.evidence.exists()
