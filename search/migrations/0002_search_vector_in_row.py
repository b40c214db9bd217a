"""PostgreSQL keeps every search entry in one heap row, search_vector included.

An article's vector is 2–4 KB, so by default PostgreSQL stores it out of line in
the entries' TOAST table, and every `search_vector @@ q` test and every
`ts_rank` fetches it back through the TOAST index: about 5 µs a row, twice for
each ranked row. At 100,000 articles a search for a common word checks ~2,500
rows this way, which was two thirds of its time (27,000 buffer reads against
3,300 with the vectors in the row). `toast_tuple_target` at its maximum keeps
values in the row unless the row would not fit in a page; only then are they
compressed or moved out, as before. (STORAGE MAIN on the vector alone would
push the titles out to TOAST instead.)

Existing vectors are rewritten (`|| ''` returns the same vector as a new value)
so that they move into their rows; SQLite has no TOAST and is left alone.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE articles_searchentry SET (toast_tuple_target = 8160)",
    "UPDATE articles_searchentry SET search_vector = search_vector || ''::tsvector"
    " WHERE search_vector IS NOT NULL",
]
POSTGRES_BACKWARD = ["ALTER TABLE articles_searchentry RESET (toast_tuple_target)"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(run(POSTGRES_FORWARD), run(POSTGRES_BACKWARD))]
