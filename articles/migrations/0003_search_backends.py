"""The database-specific half of the search index.

PostgreSQL: a GIN index on the weighted tsvector. SQLite: an FTS5 table over
the segmented words, kept in step with articles_searchdocument by triggers.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE articles_search_fts USING fts5(
        title_words, body_words,
        content='articles_searchdocument', content_rowid='entry_id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER articles_search_fts_insert AFTER INSERT ON articles_searchdocument BEGIN
        INSERT INTO articles_search_fts(rowid, title_words, body_words)
        VALUES (new.entry_id, new.title_words, new.body_words);
    END""",
    """CREATE TRIGGER articles_search_fts_delete AFTER DELETE ON articles_searchdocument BEGIN
        INSERT INTO articles_search_fts(articles_search_fts, rowid, title_words, body_words)
        VALUES ('delete', old.entry_id, old.title_words, old.body_words);
    END""",
    """CREATE TRIGGER articles_search_fts_update AFTER UPDATE ON articles_searchdocument BEGIN
        INSERT INTO articles_search_fts(articles_search_fts, rowid, title_words, body_words)
        VALUES ('delete', old.entry_id, old.title_words, old.body_words);
        INSERT INTO articles_search_fts(rowid, title_words, body_words)
        VALUES (new.entry_id, new.title_words, new.body_words);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS articles_search_fts_update",
    "DROP TRIGGER IF EXISTS articles_search_fts_delete",
    "DROP TRIGGER IF EXISTS articles_search_fts_insert",
    "DROP TABLE IF EXISTS articles_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX articles_searchentry_vector_gin ON articles_searchentry USING gin (search_vector)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS articles_searchentry_vector_gin"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
