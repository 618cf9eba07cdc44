"""Claim search on PostgreSQL: accent-free French and English full text, trigrams for typos, and the lists' order."""

from django.db import migrations

from claims.migrations._postgresql import postgresql_only

# The claim's text and claimant as words of its own language, accents removed.
VECTOR = (
    "to_tsvector(CASE WHEN language = 'en' THEN 'english_unaccent'::regconfig "
    "ELSE 'french_unaccent'::regconfig END, text || ' ' || claimant)"
)

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Stemming in the claim's language, after the accents are gone: "societe" finds "Société".
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
    "CREATE TEXT SEARCH CONFIGURATION french_unaccent ( COPY = french )",
    "ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent",
    "CREATE TEXT SEARCH CONFIGURATION english_unaccent ( COPY = english )",
    "ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    # Stored, not only indexed: ranking and re-checking read it instead of re-parsing every matching claim, which
    # took 0.8 s for a common word at 100,000 claims (docs/benchmarks.md). PostgreSQL keeps it up to date; Django
    # does not know the column and never writes it.
    f"ALTER TABLE claims_claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX claim_search_vector_idx ON claims_claim USING gin (search_vector)",
    # Typos: trigram word similarity on what people search for, the claim and who made it.
    "CREATE INDEX claim_text_trgm_idx ON claims_claim USING gin (text gin_trgm_ops)",
    "CREATE INDEX claim_claimant_trgm_idx ON claims_claim USING gin (claimant gin_trgm_ops)",
    # The lists' default order (newest first, id to break ties): a page is read from the index, not sorted.
    "CREATE INDEX claim_newest_idx ON claims_claim (created_at DESC, id DESC)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS claim_newest_idx",
    "DROP INDEX IF EXISTS claim_claimant_trgm_idx",
    "DROP INDEX IF EXISTS claim_text_trgm_idx",
    "DROP INDEX IF EXISTS claim_search_vector_idx",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_roles")]
    # `make run` uses SQLite, where search falls back to icontains.
    operations = [postgresql_only(FORWARD, BACKWARD)]
