"""Full-text search of claims (q): the claim's language, accents ignored, typos forgiven, best first, on the index."""

import pytest
from django.db import connection

from claims import selectors
from claims.models import Claim
from tests.factories import ClaimFactory


@pytest.fixture
def claims(db):
    return {
        "societe": ClaimFactory(text="La Société Générale a financé DeepSeek.", claimant="Un blog", language="fr"),
        "preuve": ClaimFactory(text="Il n'existe aucune prèuve de ce vol.", claimant="Un forum", language="fr"),
        "siphon": ClaimFactory(text="DeepSeek a siphonné les réponses de ChatGPT.", claimant="OpenAI", language="fr"),
        "english": ClaimFactory(
            text="The studies proved the chips were smuggled.", claimant="A senator", language="en"
        ),
        "nvidia": ClaimFactory(
            text="Nvidia a perdu 600 milliards en un jour.", claimant="Commentateurs", language="fr"
        ),
    }


def search(api, user, query: str) -> list[int]:
    response = api(user).get("/api/v1/claims/", {"q": query})
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("societe", "societe"),  # accents ignored
        ("SOCIÉTÉ générale", "societe"),
        ("preuve", "preuve"),  # the accent is in the claim this time
        ("siphone", "siphon"),  # a typo, and French stemming
        ("DeepSek", "siphon"),  # a typo in a name: trigrams
        ("studies prove", "english"),  # English stemming for an English claim
        ("milliard", "nvidia"),  # French plural
        ("commentateur", "nvidia"),  # the claimant is searched too
    ],
)
def test_search_finds(query, expected, claims, api, viewer):
    assert claims[expected].pk in search(api, viewer, query)


def test_search_excludes_what_does_not_match(claims, api, viewer):
    assert search(api, viewer, "milliards") == [claims["nvidia"].pk]
    assert search(api, viewer, "zzzzqqqq") == []


def test_best_matches_come_first(claims, api, viewer):
    ClaimFactory(text="DeepSeek, DeepSeek et encore DeepSeek.", claimant="DeepSeek", language="fr")
    found = search(api, viewer, "DeepSeek")
    assert Claim.objects.get(pk=found[0]).claimant == "DeepSeek"
    assert {claims["societe"].pk, claims["siphon"].pk} <= set(found)


@pytest.mark.parametrize(
    "query", ["!!!", "&|!():*", "'", '"', "-", "a OR", "\\", "😀", "<%", "%%", "DROP TABLE claims_claim;"]
)
def test_any_query_is_answered(query, claims, api, viewer):
    assert api(viewer).get("/api/v1/claims/", {"q": query}).status_code == 200


def test_a_nul_character_in_the_query_is_400(claims, api, viewer):
    response = api(viewer).get("/api/v1/claims/?q=a%00b")
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_search_combines_with_filters_and_explicit_ordering(claims, api, viewer):
    response = api(viewer).get("/api/v1/claims/", {"q": "DeepSeek", "language": "fr", "ordering": "id"})
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == sorted(ids)
    assert claims["english"].pk not in ids


def test_search_uses_the_indexes(claims):
    with connection.cursor() as cursor:
        # A handful of rows would be read sequentially; the question is whether the indexes can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert "claim_search_vector_idx" in selectors.claims_search(Claim.objects.all(), "société").explain()
        # As many words as a newsroom's claims use, for the planner to weigh the vocabulary's indexes.
        cursor.execute(
            "INSERT INTO claims_searchword (word) SELECT md5(i::text) FROM generate_series(1, 20000) AS i; "
            "ANALYZE claims_searchword"
        )
        cursor.execute(
            f"EXPLAIN {selectors.CLOSEST_SPELLINGS}",
            ["DeepSek", selectors.SEARCH_TYPO_WORDS, False, False, selectors.SEARCH_SPELLINGS],
        )
        assert "search_word_trgm_idx" in " ".join(row[0] for row in cursor.fetchall())


def test_words_that_find_many_claims_list_them_all_newest_first(claims, api, viewer, monkeypatch):
    matching = set(search(api, viewer, "DeepSeek"))
    assert len(matching) == 2
    monkeypatch.setattr(selectors, "SEARCH_RANKED", 1)
    response = api(viewer).get("/api/v1/claims/", {"q": "DeepSeek", "page_size": 100})
    ids = [row["id"] for row in response.json()["results"]]
    assert set(ids) == matching and ids == sorted(ids, reverse=True)


def test_a_misspelt_search_finds_the_claims_with_the_words_spelled_closest(claims, api, viewer):
    also = ClaimFactory(text="Smuggled goods, smuggled chips.", claimant="Customs", language="en")
    # Each word stands for the claims' words spelled closest to it; the claims with them come best first.
    assert search(api, viewer, "smugled chps") == [also.pk, claims["english"].pk]
    assert search(api, viewer, "Sociéte Generalle") == [claims["societe"].pk]
    # A word no claim's word is spelled close to is left out; when none is left, nothing is found.
    assert search(api, viewer, "smugled qzxwv") == [also.pk, claims["english"].pk]
    assert search(api, viewer, "qzxwv") == []


def test_the_words_of_claims_written_since_are_spelled_from_at_once(claims, api, viewer):
    assert search(api, viewer, "Zhipu") == []
    claim = ClaimFactory(text="Le modèle chinois de Zhipou serait une copie.", claimant="Un analyste", language="fr")
    assert search(api, viewer, "Zhipu") == [claim.pk]
    # An edit brings its words too, whoever makes it (services, admin, imports: PostgreSQL keeps the words).
    Claim.objects.filter(pk=claims["nvidia"].pk).update(claimant="Bloomberg Intelligence")
    assert search(api, viewer, "Blomberg") == [claims["nvidia"].pk]
    assert selectors.search_spellings("Blomberg intelligense") == {
        "blomberg": ["bloomberg"],
        "intelligense": ["intelligence"],
    }
    # A misspelling fixed in its claim is still corrected: the fixed word is among its closest spellings.
    fixed = ClaimFactory(text="Des puces ont été importées en contrebande, smugled.", claimant="Un blog", language="fr")
    Claim.objects.filter(pk=fixed.pk).update(text="Des puces ont été importées en contrebande, smuggled.")
    assert set(search(api, viewer, "smugled")) >= {fixed.pk, claims["english"].pk}


def test_short_words_and_figures_of_a_misspelt_search_are_searched_as_typed(claims, api, viewer):
    # "de" and "600" are not in the vocabulary of spellings: they stand for themselves (stop words drop out).
    assert search(api, viewer, "600 milliards de Nvidai") == [claims["nvidia"].pk]
    assert search(api, viewer, "the chips were smugled") == [claims["english"].pk]
    assert search(api, viewer, "601 milliards de Nvidai") == []


def test_a_search_with_operators_is_taken_as_typed(claims, api, viewer):
    # Guessing spellings would turn "-chips" into "chips": nothing is guessed when operators say what is wanted.
    assert search(api, viewer, "chips -chips") == []
    assert search(api, viewer, '"chips smugled"') == []
    assert search(api, viewer, "smugled or smugler") == []


def test_a_long_misspelt_search_looks_up_a_few_words_only(claims, api, viewer):
    # 25 short words after a typo: each would stand for itself; only the first few are taken.
    query = "smugled " + " ".join(consonant + vowel for consonant in "bcdfg" for vowel in "aeiou")
    spellings = selectors.search_spellings(query)
    assert list(spellings) == query.split()[: selectors.SEARCH_TYPO_WORDS] and selectors.SEARCH_TYPO_WORDS < 26
    assert spellings["smugled"] == ["smuggled"]
    assert api(viewer).get("/api/v1/claims/", {"q": query}).status_code == 200


def test_a_typo_is_forgiven_only_when_no_claim_has_the_words(claims, api, viewer):
    # "DeepSeek" is a word of several claims: full text answers, close spellings such as "DeepSeekers" are not added.
    ClaimFactory(text="Les DeepSeekers sont nombreux.", claimant="Un blog", language="fr")
    found = set(search(api, viewer, "DeepSeek"))
    assert claims["siphon"].pk in found
    assert {row.pk for row in Claim.objects.filter(text__contains="DeepSeekers")}.isdisjoint(found)
