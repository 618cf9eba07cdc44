"""Real services on loopback for the tests and the benchmarks alike: a throwaway Redis, Celery worker processes, and
the seed article the pages they serve are made of."""

from pathlib import Path

# The kind of article the newsroom checks (accusations against DeepSeek, January 2025), in French.
SEED_ARTICLE = Path(__file__).resolve().parent / "data" / "seed-article.txt"
