"""What changed between two snapshots: sentences removed and added, quotes marked where quote matching finds them,
and the work bounded whatever the pages hold."""

import time

import pytest

from claims.sources import pagetext
from claims.sources.diff import MAX_ROWS, snapshots_diff
from tests.pages import ARTICLE, PARAGRAPHS


@pytest.mark.parametrize(
    "text",
    [
        ARTICLE,
        "  Pour l’instant, « aucune preuve » n’a été présentée !  ",
        "A -- b — c ( x ) [ y ] 50 % e\u0301te\u0301 İstanbul YILMAZ ı soft\u00adhyphen nb\u00a0sp … ‘cité’ tab\tfin\n",
        "ﬁnance ＡＢＣ ½ x\u0301",
        # Characters NFKC composes with the one before: Hangul jamo, a kana and its voicing mark.
        "\u1100\u1161 か\u3099",
        "",
        "   ",
    ],
)
def test_the_offsets_follow_the_normalized_text_exactly(text):
    normalized, starts, ends = pagetext.normalize_with_offsets(text)
    assert normalized == pagetext.normalize(text)
    assert len(starts) == len(ends) == len(normalized)
    assert all(0 <= start < end <= len(text) for start, end in zip(starts, ends, strict=True))


def test_a_quote_composed_on_the_page_is_marked_too():
    assert pagetext.quote_spans(["が"], "x か\u3099 y") == [(2, 4)]


def test_a_quote_is_marked_where_quote_matching_finds_it_however_it_was_typed():
    page = "Selon l’AFP,\u00a0« Aucune   preuve n’a été présentée » hier. Aucune preuve, disait-on."
    spans = pagetext.quote_spans(["aucune preuve n'a été présentée"], page)
    assert [page[start:end] for start, end in spans] == ["Aucune   preuve n’a été présentée"]
    assert pagetext.quote_spans(["six milliards"], page) == []


def rows(diff):
    return [(row.op, "".join(f"[{s.text}]" if s.quoted else s.text for s in row.segments)) for row in diff.rows]


def test_the_removed_quote_shows_as_a_removed_sentence_with_the_quote_marked():
    old = "Le rapport est attendu. Pour l’instant, aucune preuve n’a été présentée. Fin.\nDeuxième paragraphe."
    new = "Le rapport est attendu. Le rapport complet sera publié demain. Fin.\nDeuxième paragraphe."
    diff = snapshots_diff(old, new, quotes=["aucune preuve n'a été présentée"])
    assert rows(diff) == [
        ("same", "Le rapport est attendu. "),
        ("removed", "Pour l’instant, [aucune preuve n’a été présentée]. "),
        ("added", "Le rapport complet sera publié demain. "),
        ("same", "Fin."),
        ("same", "Deuxième paragraphe."),
    ]
    assert (diff.removed, diff.added, diff.truncated, diff.too_different) == (1, 1, False, False)


def test_unchanged_text_is_skipped_but_for_the_context_and_the_quoted_sentences():
    paragraphs = [f"Paragraphe numéro {n}." for n in range(40)]
    new = [*paragraphs[:30], "Un paragraphe ajouté.", *paragraphs[30:]]
    diff = snapshots_diff("\n".join(paragraphs), "\n".join(new), quotes=["paragraphe numéro 3."])
    assert rows(diff) == [
        ("skipped", ""),
        ("same", "[Paragraphe numéro 3.]"),
        ("skipped", ""),
        ("same", "Paragraphe numéro 28."),
        ("same", "Paragraphe numéro 29."),
        ("added", "Un paragraphe ajouté."),
        ("same", "Paragraphe numéro 30."),
        ("same", "Paragraphe numéro 31."),
        ("skipped", ""),
    ]
    assert [row.skipped for row in diff.rows if row.op == "skipped"] == [3, 24, 8]


def test_spaces_moved_are_not_a_change():
    diff = snapshots_diff(ARTICLE, ARTICLE.replace(" ", "  "))
    assert (diff.removed, diff.added) == (0, 0)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Hundreds of KB of sentences, all different.
        (
            "\n".join(f"Phrase {n} de l'ancienne page." for n in range(30_000)),
            "\n".join(f"Ligne {n}." for n in range(30_000)),
        ),
        # One line without an end, and no space to cut it at.
        ("x" * 900_000, "x" * 450_000 + "y" + "x" * 449_999),
        # The same few sentences shuffled, the matcher's hard case.
        ("\n".join(PARAGRAPHS * 400), "\n".join(list(reversed(PARAGRAPHS)) * 400)),
        # Punctuation with no space after it: where a sentence ends is found without backtracking.
        ("." * 600_000, "…" * 600_000),
    ],
    ids=["all-different", "one-endless-line", "shuffled", "endless-punctuation"],
)
def test_a_hostile_page_is_compared_within_bounds_and_says_it_was_cut(old, new):
    started = time.monotonic()
    diff = snapshots_diff(old, new, quotes=["x", "phrase 1"])
    assert time.monotonic() - started < 5
    assert diff.truncated
    assert len(diff.rows) <= MAX_ROWS
