"""An article's attachments enter its search entry with the lowest weight.

SearchDocument gains `attachment_words` (the segmented words the databases
index) and `attachments` (each attachment's id, title, kind and bounded text,
to show which one a result matched). PostgreSQL puts the words in the vector
with weight D (search.indexing.VECTOR_SQL); existing vectors are unchanged,
since no entry has attachment words yet. SQLite's FTS5 table gets a third
column: it is created again over the three columns, with its triggers, and
refilled from the documents. (Backwards, the triggers go before the column
they name, and the two-column table is made again after it.)

Entries of articles that already had attachments gain their text when next
saved, or at once with `manage.py rebuild_search_index`.
"""

from django.db import migrations, models

DROP_FTS = [
    "DROP TRIGGER IF EXISTS articles_search_fts_update",
    "DROP TRIGGER IF EXISTS articles_search_fts_delete",
    "DROP TRIGGER IF EXISTS articles_search_fts_insert",
    "DROP TABLE IF EXISTS articles_search_fts",
]


def _fts_statements(columns):
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO articles_search_fts(rowid, {listed}) VALUES (new.entry_id, {new});"
    delete = (
        f"INSERT INTO articles_search_fts(articles_search_fts, rowid, {listed})"
        f" VALUES ('delete', old.entry_id, {old});"
    )
    return [
        *DROP_FTS,
        f"""CREATE VIRTUAL TABLE articles_search_fts USING fts5(
            {listed},
            content='articles_searchdocument', content_rowid='entry_id',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        "CREATE TRIGGER articles_search_fts_insert AFTER INSERT ON articles_searchdocument"
        f" BEGIN {insert} END",
        "CREATE TRIGGER articles_search_fts_delete AFTER DELETE ON articles_searchdocument"
        f" BEGIN {delete} END",
        "CREATE TRIGGER articles_search_fts_update AFTER UPDATE ON articles_searchdocument"
        f" BEGIN {delete} {insert} END",
        "INSERT INTO articles_search_fts(articles_search_fts) VALUES ('rebuild')",
    ]


SQLITE_FORWARD = _fts_statements(["title_words", "body_words", "attachment_words"])
SQLITE_BACKWARD = _fts_statements(["title_words", "body_words"])


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_vector_in_row")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, run(SQLITE_BACKWARD)),
        migrations.AddField(
            model_name="searchdocument",
            name="attachment_words",
            field=models.TextField(blank=True, verbose_name="附件分词"),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="attachments",
            field=models.JSONField(blank=True, default=list, verbose_name="附件文字"),
        ),
        migrations.RunPython(run(SQLITE_FORWARD), run(DROP_FTS)),
    ]
