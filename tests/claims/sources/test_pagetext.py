"""Page text helpers: the fingerprint against a plain SimHash, close texts, quote matching."""

import hashlib
import random

import pytest

from claims.sources.pagetext import fingerprint, fingerprint_distance, normalize, quote_found


def plain_simhash(text: str) -> str:
    """The fingerprint as first written, bit by bit in Python: the snapshots keep its values."""
    words = normalize(text).split()
    shingles = {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)} or {" ".join(words)}
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles]
    bits = sum(1 << bit for bit in range(64) if sum(h >> bit & 1 for h in hashes) * 2 > len(hashes))
    return f"{bits:016x}"


def test_the_fingerprint_is_the_plain_simhash_whatever_the_text():
    rng = random.Random(7)
    vocabulary = ["DeepSeek", "a", "coûté", "six", "millions", "de", "dollars", "l’IA", "OpenAI", "«", "»", "é"]
    texts = ["", "un", "deux mots", "trois mots ici", "Ünïcödé ligatures ﬁ et ½"]
    texts += [" ".join(rng.choice(vocabulary) for _ in range(size)) for size in (4, 10, 64, 1000, 5000)]
    for text in texts:
        assert fingerprint(text) == plain_simhash(text), text[:40]


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
