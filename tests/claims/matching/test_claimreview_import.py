"""Other outlets' ClaimReview JSON-LD imported as external fact-checks: the forms found in the wild, hostile files, the
command and its exit codes, and our own feed read back."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.errors import InvalidInput
from claims.matching.claimreview_import import MAX_CLAIM, external_factchecks_import
from claims.matching.models import ExternalFactCheck
from claims.models import ClaimStatus
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "data" / "claimreview"
FIELDS = ("url", "publisher", "claim_reviewed", "claimant", "rating", "reviewed_on", "language")


def rows() -> list[tuple]:
    return list(ExternalFactCheck.objects.order_by("url").values_list(*FIELDS))


def review(**fields) -> dict:
    """A well-formed ClaimReview, with `fields` replaced (None removes one)."""
    base = {
        "@type": "ClaimReview",
        "url": "https://truthdesk.example.com/fact-check/one",
        "claimReviewed": "DeepSeek trained its model for $6 million.",
        "author": {"@type": "Organization", "name": "Truth Desk"},
        "datePublished": "2025-02-01",
        "inLanguage": "en",
        "reviewRating": {"@type": "Rating", "alternateName": "Half true"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "David Sacks"}},
    }
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def feed_of(*items) -> bytes:
    elements = [{"@type": "DataFeedItem", "item": [item]} for item in items]
    return json.dumps({"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": elements}).encode()


# --- The forms found in the wild --------------------------------------------------------------------------------


def test_a_datafeed_from_several_outlets_is_imported_with_each_field(researcher):
    summary = external_factchecks_import(data=(DATA / "datafeed.jsonld").read_bytes(), by=researcher)

    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (5, 0, 0, [])
    fact_checks = {row.url: row for row in ExternalFactCheck.objects.all()}
    first = fact_checks["https://les-verificateurs.example.fr/2025/01/30/deepseek-six-millions-de-dollars"]
    assert first.publisher == "Les Vérificateurs"
    assert first.claim_reviewed == "DeepSeek a entraîné son modèle R1 pour seulement six millions de dollars."
    assert first.claimant == "Publications sur les réseaux sociaux"
    assert first.rating == "Trompeur"
    assert first.reviewed_on == datetime.date(2025, 1, 30)
    assert first.language == "fr"
    assert first.imported_by == researcher
    # An item holding a list of two: a publisher written as a string, the language of the claim's first appearance.
    distillation = fact_checks["https://factuel-hebdo.example.fr/verification/deepseek-openai-distillation"]
    assert (distillation.publisher, distillation.claimant, distillation.rating) == (
        "Factuel Hebdo",
        "OpenAI",
        "Non prouvé",
    )
    assert (distillation.reviewed_on, distillation.language) == (datetime.date(2025, 1, 31), "fr")
    chips = fact_checks["https://factuel-hebdo.example.fr/verification/deepseek-puces-nvidia"]
    assert (chips.claimant, chips.language) == ("Alexandr Wang", "fr")
    # An item that is one ClaimReview, not a list; its @type a list; its language a regional code.
    cost = fact_checks["https://truthdesk.example.com/fact-check/deepseek-training-cost"]
    assert (cost.publisher, cost.claimant, cost.rating, cost.language) == (
        "Truth Desk",
        "David Sacks",
        "Half true",
        "en",
    )
    # An author in a list; the language as a Language object.
    nvidia = fact_checks["https://checkpoint-weekly.example.org/2025/02/nvidia-market-value"]
    assert (nvidia.publisher, nvidia.language, nvidia.rating) == ("Check Point Weekly", "en", "Mostly true")


def test_importing_a_datafeed_file_twice_gives_the_same_rows(researcher, editor):
    data = (DATA / "datafeed.jsonld").read_bytes()
    external_factchecks_import(data=data, by=researcher)
    first = rows()
    ids = sorted(ExternalFactCheck.objects.values_list("pk", flat=True))

    again = external_factchecks_import(data=data, by=editor)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert rows() == first
    assert sorted(ExternalFactCheck.objects.values_list("pk", flat=True)) == ids
    # Nothing changed, so nothing was written: the first import stays on record.
    assert set(ExternalFactCheck.objects.values_list("imported_by", flat=True)) == {researcher.pk}


def test_a_fact_check_changed_since_is_updated_at_its_address_not_duplicated(researcher, editor):
    external_factchecks_import(data=feed_of(review()), by=researcher)

    summary = external_factchecks_import(
        data=feed_of(review(reviewRating={"alternateName": "Mostly false"})), by=editor
    )

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    [row] = ExternalFactCheck.objects.all()
    assert (row.rating, row.imported_by) == ("Mostly false", editor)


def test_a_single_claimreview_file_is_imported(researcher):
    summary = external_factchecks_import(data=(DATA / "single.jsonld").read_bytes(), by=researcher)

    assert summary.created == 1
    [row] = ExternalFactCheck.objects.all()
    assert row.claimant == "Garante per la protezione dei dati personali"
    assert (row.rating, row.language, row.reviewed_on) == ("Vrai", "fr", datetime.date(2025, 2, 3))


def test_the_claimreview_of_an_at_graph_is_imported_and_the_rest_of_the_page_ignored(researcher):
    summary = external_factchecks_import(data=(DATA / "graph.jsonld").read_bytes(), by=researcher)

    assert summary.created == 1
    # The page and the organisation in the graph are not ClaimReviews: said, not imported.
    assert [(item.where, item.code) for item in summary.skipped] == [
        ("@graph[0]", "not_claimreview"),
        ("@graph[1]", "not_claimreview"),
    ]
    [row] = ExternalFactCheck.objects.all()
    assert (row.publisher, row.claimant, row.language) == ("Truth Desk", "DeepSeek", "en")
    assert row.reviewed_on == datetime.date(2025, 1, 28)


def test_a_list_of_claimreviews_is_imported(researcher):
    data = json.dumps([review(), review(url="https://truthdesk.example.com/fact-check/two", inLanguage=None)])

    summary = external_factchecks_import(data=data.encode(), by=researcher)

    assert summary.created == 2
    # No language anywhere: left blank rather than guessed.
    assert ExternalFactCheck.objects.get(url__endswith="/two").language == ""


def test_our_own_feed_read_back_gives_our_fact_checks(client, settings, researcher):
    settings.FACTCHECK_SITE_URL = "https://verif.example.org"
    settings.FACTCHECK_NEWSROOM_NAME = "La Rédaction"
    claim = claim_at(ClaimStatus.PUBLISHED, verdict="mostly-false", claimant="David Sacks")
    response = client.get("/factchecks/claimreview.jsonld")
    feed = b"".join(response.streaming_content)

    summary = external_factchecks_import(data=feed, by=researcher)

    assert (summary.created, summary.skipped) == (1, [])
    [row] = ExternalFactCheck.objects.all()
    assert row.url == f"https://verif.example.org/factchecks/{claim.pk}-{claim.slug}/"
    assert row.publisher == "La Rédaction"
    assert row.claim_reviewed == claim.text
    assert row.claimant == claim.claimant
    assert row.rating == "Plutôt faux"
    assert row.reviewed_on == claim.first_published_at.date()
    assert row.language == claim.language


# --- Hostile files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"not json", b"{", b"\xff\xfe\x00garbage", b"[" * 100_000 + b"]" * 100_000, b"1" * 5000],
    ids=["text", "truncated", "not-utf8", "nested-100000", "huge-number"],
)
def test_a_file_that_is_not_json_is_refused_as_a_whole(data, researcher):
    with pytest.raises(InvalidInput) as refused:
        external_factchecks_import(data=data, by=researcher)

    assert refused.value.code == "not_json"
    assert refused.value.message.startswith("The file is not JSON")
    assert not ExternalFactCheck.objects.exists()


def test_each_bad_item_is_skipped_with_its_reason_and_the_good_ones_imported(researcher):
    items = [
        review(url="https://ok.example.com/1"),
        review(url=None),
        review(url="javascript:alert(1)"),
        review(url="ftp://files.example.com/check"),
        review(url="https://" + "a" * 2000 + ".example.com/"),
        review(url="https://not a host/page"),
        review(url=["https://list.example.com/"]),
        review(url="https://ok.example.com/2", claimReviewed=None),
        review(url="https://ok.example.com/3", claimReviewed=42),
        review(url="https://ok.example.com/4", claimReviewed="x" * (MAX_CLAIM + 1)),
        review(url="https://ok.example.com/1", claimReviewed="Another claim at the same address."),
        {"@type": "NewsArticle", "url": "https://ok.example.com/article"},
        "a string",
        None,
        review(url="https://ok.example.com/5"),
    ]

    summary = external_factchecks_import(data=feed_of(*items), by=researcher)

    assert summary.created == 2
    assert sorted(ExternalFactCheck.objects.values_list("url", flat=True)) == [
        "https://ok.example.com/1",
        "https://ok.example.com/5",
    ]
    assert [(item.where, item.code) for item in summary.skipped] == [
        ("dataFeedElement[1].item[0]", "no_url"),
        ("dataFeedElement[2].item[0]", "url_not_web"),
        ("dataFeedElement[3].item[0]", "url_not_web"),
        ("dataFeedElement[4].item[0]", "url_too_long"),
        ("dataFeedElement[5].item[0]", "url_invalid"),
        ("dataFeedElement[6].item[0]", "no_url"),
        ("dataFeedElement[7].item[0]", "no_claim"),
        ("dataFeedElement[8].item[0]", "no_claim"),
        ("dataFeedElement[9].item[0]", "claim_too_long"),
        ("dataFeedElement[10].item[0]", "same_url"),
        ("dataFeedElement[11].item[0]", "not_claimreview"),
        ("dataFeedElement[12].item[0]", "not_an_object"),
        ("dataFeedElement[13].item[0]", "not_an_object"),
    ]
    said = [str(item) for item in summary.skipped]
    assert said[1] == "dataFeedElement[2].item[0]: its address javascript:alert(1) is not an http or https address."
    assert said[3] == (
        "dataFeedElement[4].item[0]: its address is 2021 characters long; the desk keeps addresses of at most 2000."
    )
    assert (
        said[9] == "dataFeedElement[10].item[0]: it has the same address as dataFeedElement[0].item[0], which is kept."
    )
    assert said[10] == "dataFeedElement[11].item[0]: it is not a ClaimReview (its type is NewsArticle)."
    assert said[11] == "dataFeedElement[12].item[0]: it is a string, not a JSON object."


def test_fields_of_the_wrong_type_or_size_are_cut_or_left_blank_not_fatal(researcher):
    item = review(
        author={"@type": "Organization", "name": "P" * 5000},
        itemReviewed="a claim as a string",
        reviewRating=[{"@type": "Rating", "name": "R" * 300}],
        datePublished="le 3 février",
        inLanguage=12,
        claimReviewed="Une affirmation\x00 avec un NUL,\n des sauts de ligne\tet des tabulations.",
    )

    summary = external_factchecks_import(data=feed_of(item), by=researcher)

    assert summary.created == 1
    [row] = ExternalFactCheck.objects.all()
    assert len(row.publisher) == 200 and row.publisher.endswith("…")
    assert row.claimant == ""
    assert len(row.rating) == 200 and row.rating.startswith("RRR")
    assert (row.reviewed_on, row.language) == (None, "")
    assert row.claim_reviewed == "Une affirmation avec un NUL, des sauts de ligne et des tabulations."


def test_a_review_without_an_author_is_credited_to_the_site_it_is_on(researcher):
    external_factchecks_import(data=feed_of(review(author=None)), by=researcher)

    assert ExternalFactCheck.objects.get().publisher == "truthdesk.example.com"


@pytest.mark.parametrize(
    "document",
    [
        {"@type": "DataFeed", "dataFeedElement": "not a list"},
        {"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": 3}]},
        {"@context": "https://schema.org", "@graph": {"@type": "Thing"}},
        {"nothing": "here"},
        [[[[[[[[[[review()]]]]]]]]]],
        "just a string",
        42,
    ],
    ids=["elements-not-a-list", "item-a-number", "graph-an-object", "unknown-object", "deep", "string", "number"],
)
def test_a_document_of_an_unknown_shape_is_skipped_with_a_reason_not_a_crash(document, researcher):
    summary = external_factchecks_import(data=json.dumps(document).encode(), by=researcher)

    assert summary.imported == 0
    assert summary.skipped and all(str(item) for item in summary.skipped)
    assert not ExternalFactCheck.objects.exists()


def test_many_fact_checks_are_imported_in_batches_and_again_unchanged(researcher, django_assert_max_num_queries):
    items = [review(url=f"https://truthdesk.example.com/fact-check/{n}") for n in range(1200)]
    data = feed_of(*items)

    with django_assert_max_num_queries(3 * 3 + 3):
        summary = external_factchecks_import(data=data, by=researcher)
    again = external_factchecks_import(data=data, by=researcher)

    assert summary.created == 1200 and ExternalFactCheck.objects.count() == 1200
    assert again.unchanged == 1200


# --- The command ------------------------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_claimreview", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_files_and_prints_what_it_did(researcher):
    files = [str(DATA / name) for name in ("datafeed.jsonld", "single.jsonld", "graph.jsonld")]

    out, err = run(*files, "--user", "researcher")

    assert f"{files[0]}: created: 5, updated: 0, unchanged: 0, skipped: 0" in out
    assert f"{files[1]}: created: 1, updated: 0, unchanged: 0, skipped: 0" in out
    assert f"{files[2]}: created: 1, updated: 0, unchanged: 0, skipped: 2" in out
    assert "  skipped @graph[0]: it is not a ClaimReview (its type is WebPage)." in out
    assert err == ""
    assert ExternalFactCheck.objects.count() == 7
    assert set(ExternalFactCheck.objects.values_list("imported_by", flat=True)) == {researcher.pk}

    out, _ = run(files[0])
    assert "created: 0, updated: 0, unchanged: 5, skipped: 0" in out


def test_the_command_reads_the_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO((DATA / "single.jsonld").read_bytes())))

    out, _ = run("-")

    assert "-: created: 1" in out
    assert ExternalFactCheck.objects.get().imported_by is None


def test_a_missing_file_is_said_and_the_others_still_imported(tmp_path):
    missing = tmp_path / "absent.jsonld"
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("import_claimreview", str(missing), str(DATA / "single.jsonld"), stdout=out, stderr=err)

    assert f"{missing}: cannot be read: No such file or directory" in err.getvalue()
    assert str(failed.value) == "1 of 2 file(s) could not be imported."
    assert failed.value.returncode == 1
    assert ExternalFactCheck.objects.count() == 1


def test_a_file_that_is_not_json_fails_the_command(tmp_path):
    bad = tmp_path / "page.html"
    bad.write_text("<html><script type='application/ld+json'>{}</script></html>")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_claimreview", str(bad), stdout=io.StringIO(), stderr=err)

    assert f"{bad}: The file is not JSON: Expecting value: line 1 column 1 (char 0)" in err.getvalue()


def test_a_file_from_which_nothing_could_be_imported_fails_the_command(tmp_path):
    bad = tmp_path / "bad.jsonld"
    bad.write_bytes(feed_of(review(url="javascript:alert(1)"), review(url=None)))
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_claimreview", str(bad), stdout=out, stderr=err)

    assert "skipped: 2" in out.getvalue()
    assert "  skipped dataFeedElement[1].item[0]: it has no address (url)." in out.getvalue()
    assert f"{bad}: none of its 2 item(s) could be imported." in err.getvalue()


def test_an_empty_file_or_feed_imports_nothing_and_succeeds(tmp_path):
    empty, empty_feed = tmp_path / "empty.jsonld", tmp_path / "empty-feed.jsonld"
    empty.write_bytes(b"\n")
    empty_feed.write_bytes(feed_of())

    out, err = run(str(empty), str(empty_feed))

    assert f"{empty}: empty, nothing to import." in out
    assert f"{empty_feed}: created: 0, updated: 0, unchanged: 0, skipped: 0" in out
    assert err == ""


def test_an_unknown_user_is_refused_before_anything_is_imported():
    with pytest.raises(CommandError, match="There is no user named 'nobody'"):
        run(str(DATA / "single.jsonld"), "--user", "nobody")

    assert not ExternalFactCheck.objects.exists()
