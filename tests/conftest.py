"""Fixtures shared by every folder of tests. Browser-only fixtures are in
tests/browser/conftest.py."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SEED = Path(settings.CONTENT_DIR) / "2021" / "articles" / "000_7cfd02887c454dd1.txt"
SEED_TITLE = "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程"


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with nothing cached, as if the site had just started."""
    from core.pagecache import store

    store.reset()
    yield
    store.forget_outage()


@pytest.fixture
def seed_path():
    return SEED


def _rows_of(tables):
    """{table: (columns, rows)} of `tables`, every row as a tuple."""
    from django.db import connection

    dump = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return dump


def _row_counts_and_sequences(tables):
    """How many rows each table holds and the ids SQLite has handed out: equal
    values mean no row was added or deleted since (within the test transaction)."""
    from django.db import connection

    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row_counts = cursor.fetchone()
        cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        return row_counts, cursor.fetchall()


class _ContentRows:
    """What `load_content` adds to the migrated test database, recorded once."""

    def __init__(self, tables, base, added):
        self.tables = tables
        self.base = base  # _row_counts_and_sequences() before the loader ran
        self.added = added  # {table: (columns, rows)}

    def replayable(self):
        """True if the database is as the loader found it when recording."""
        return _row_counts_and_sequences(self.tables) == self.base

    def replay(self):
        from django.db import connection

        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, (columns, rows) in self.added.items():
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )


@pytest.fixture(scope="session")
def _content_rows(django_db_setup, django_db_blocker):
    """The rows `load_content` adds to the freshly migrated test database, recorded
    once per run, so that `content` can write them back in each test (in the
    test's transaction, rolled back after it) instead of running the loader
    again, which takes about half a second.

    SQLite only. There the rows written back are the loader's, ids included:
    SQLite rolls its id sequences back with the transaction, so the loader
    would have handed out the same ids; the FTS5 search index is rebuilt from
    the rows by its triggers. Only "now" timestamps (created, updated, logged
    at) are those of the recording, minutes old instead of milliseconds.
    PostgreSQL does not roll its sequences back; there the loader runs in
    every test, as before. None means: always run the loader."""
    from django.db import connection, transaction

    if connection.vendor != "sqlite":
        return None
    with django_db_blocker.unblock():
        tables = sorted(connection.introspection.django_table_names(only_existing=True))
        with transaction.atomic():
            base = _row_counts_and_sequences(tables)
            before = _rows_of(tables)
            call_command("load_content", verbosity=0)
            after = _rows_of(tables)
            transaction.set_rollback(True)
    added = {}
    for table, (columns, rows) in after.items():
        existing = set(before[table][1])
        if not existing <= set(rows):
            return None  # the loader changed rows it did not add: replaying is not enough
        new = [row for row in rows if row not in existing]
        if new:
            added[table] = (columns, new)
    return _ContentRows(tables, base, added)


@pytest.fixture
def content(db, _content_rows):
    """The shipped 2021 content, loaded as `make run` loads it. On SQLite, when
    the test has not written to the database before asking for the content,
    the loader's rows recorded once this run are written back instead (see
    _content_rows); otherwise the loader runs."""
    from django.db import connection

    # Replaying needs the test's transaction (rolled back after it); tests that
    # commit (transactional_db) get the loader.
    in_test_transaction = connection.in_atomic_block
    if _content_rows is not None and in_test_transaction and _content_rows.replayable():
        _content_rows.replay()
    else:
        call_command("load_content", verbosity=0)


@pytest.fixture
def seed(content):
    """The 2021 report article of the shipped content."""
    from articles.models import Article

    return Article.objects.get(title=SEED_TITLE)


@pytest.fixture
def districts(db):
    """The report's three districts with their aliases, without the rest of the content."""
    from districts.models import District, DistrictAlias

    shangcheng = District.objects.create(name="上城区", slug="shangcheng")
    jianggan = District.objects.create(name="江干区", slug="jianggan")
    binjiang = District.objects.create(name="高新区(滨江)", slug="gaoxin-binjiang")
    for alias in ["高新区（滨江）", "滨江区", "高新区"]:
        DistrictAlias.objects.create(district=binjiang, name=alias)
    return shangcheng, jianggan, binjiang
