"""The claims' words for search's typo path: a table PostgreSQL keeps up to date, with a trigram index."""

from django.db import migrations, models

from claims.migrations._postgresql import postgresql_only

# A text's words as the vocabulary keeps them: accents gone, in lower case, 3 to 100 characters with a letter.
# claims.selectors.search_spellings splits a search's words the same way.
WORDS_OF = "regexp_split_to_table(lower(unaccent({text})), '[^[:alnum:]]+') AS spelled"
KEPT = "length(spelled) BETWEEN 3 AND 100 AND spelled ~ '[[:alpha:]]'"
NEW_CLAIM = "NEW.text || ' ' || NEW.claimant"
EVERY_CLAIM = "text || ' ' || claimant"

FORWARD = [
    "CREATE INDEX search_word_trgm_idx ON claims_searchword USING gin (word gin_trgm_ops)",
    # The words of every claim written from now on, whatever writes it (services, admin, imports): those the table
    # does not have yet. No unique index to lean on: a claim's write never waits for another transaction's words.
    f"""
    CREATE FUNCTION claims_search_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO claims_searchword (word)
        SELECT DISTINCT spelled FROM {WORDS_OF.format(text=NEW_CLAIM)}
        WHERE {KEPT} AND NOT EXISTS (SELECT 1 FROM claims_searchword AS known WHERE known.word = spelled);
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER claims_search_words AFTER INSERT OR UPDATE OF text, claimant ON claims_claim "
    "FOR EACH ROW EXECUTE FUNCTION claims_search_words_add()",
    # The words of the claims already there.
    f"INSERT INTO claims_searchword (word) SELECT DISTINCT spelled FROM claims_claim, "
    f"{WORDS_OF.format(text=EVERY_CLAIM)} WHERE {KEPT}",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS claims_search_words ON claims_claim",
    "DROP FUNCTION IF EXISTS claims_search_words_add()",
    "DROP INDEX IF EXISTS search_word_trgm_idx",
]


class Migration(migrations.Migration):
    dependencies = [("claims", "0019_claim_public_list_index")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=100)),
            ],
            options={"indexes": [models.Index(fields=["word"], name="search_word_idx")]},
        ),
        # `make run` uses SQLite, where search has no typo path (claims_search).
        postgresql_only(FORWARD, BACKWARD),
    ]
