"""Page text helpers: the fingerprint's bit counting against a plain count."""

import random

from claims.sources.pagetext import _majority_bits, fingerprint, fingerprint_distance


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
