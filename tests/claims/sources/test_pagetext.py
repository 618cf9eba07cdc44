"""Page text helpers: the fingerprint's bit counting against a plain count."""

import random

import pytest

from claims.sources.pagetext import _majority_bits, fingerprint, fingerprint_distance, normalize, quote_found


def test_majority_bits_counts_every_bit_position_like_a_plain_count():
    rng = random.Random(7)
    for size in (0, 1, 2, 3, 7, 64, 1000):
        values = [rng.getrandbits(64) for _ in range(size)]
        expected = sum(1 << bit for bit in range(64) if sum(v >> bit & 1 for v in values) * 2 > size)
        assert _majority_bits(values) == expected


def test_close_texts_have_close_fingerprints_and_unrelated_ones_do_not():
    article = " ".join(f"mot{i} du texte numéro {i % 17}" for i in range(400))
    edited = article.replace("mot10 ", "mot10bis ")
    other = " ".join(f"autre{i} phrase {i % 5}" for i in range(400))
    assert fingerprint_distance(fingerprint(article), fingerprint(article)) == 0
    assert fingerprint_distance(fingerprint(article), fingerprint(edited)) <= 3
    assert fingerprint_distance(fingerprint(article), fingerprint(other)) >= 16


@pytest.mark.parametrize(
    ("on_the_page", "typed"),
    [
        # Upper case in Turkish names: the dotless ı and the dotted İ are the i a reader types.
        ("Mehmet Yılmaz a démenti.", "MEHMET YILMAZ a démenti"),
        ("à İstanbul, hier", "à istanbul, hier"),
        # An acute accent typed for an apostrophe (NFKC would make it a space and a combining accent).
        ("l’enquête continue", "l´enquête continue"),
        # Dashes typed twice, or with spaces around them.
        ("la RAM—oui, la RAM", "la ram -- oui, la ram"),
        ("la RAM—oui, la RAM", "la ram - oui, la ram"),
        # The French space before a percent or a euro sign, typed or not.
        ("une hausse de 2,6\u00a0% en un an", "une hausse de 2,6% en un an"),
        ("un coût de 6\u202f€ par heure", "un coût de 6€ par heure"),
    ],
)
def test_quotes_are_found_however_people_type_them(on_the_page, typed):
    assert quote_found(typed, normalize(on_the_page))


@pytest.mark.parametrize(
    ("on_the_page", "typed"),
    [
        ("DeepSeek a dépensé six millions", "DeepSeek a dépensé sept millions"),
        ("le coût total", "le coût-total annoncé"),
    ],
)
def test_other_words_are_not_found(on_the_page, typed):
    assert not quote_found(typed, normalize(on_the_page))
