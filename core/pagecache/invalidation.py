"""Invalidation at the one place every write passes through: the database cursor.

Signals miss queryset `.update()`, `bulk_create`, raw SQL and the importer's
fast paths, so instead every statement that writes to a content table
(settings.PAGE_CACHE_CONTENT_APPS, their many-to-many tables included) moves
the generation on:

- outside a transaction, right after the statement, which is already committed;
- inside one, at its first content write (pages cached before it must not be
  served to code that reads its own writes) and again when it commits (pages
  other servers built meanwhile from the old, committed rows). A transaction
  that rolls back changed nothing, and its commit-time bump is dropped with it.

While a connection holds uncommitted content writes, pages built from it are
not stored (`writes_pending`): they could show rows that never commit.
"""

import functools
import re

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction

from . import store

_WRITE_STATEMENT = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
    r"\s+[\"`]?(\w+)",
    re.IGNORECASE,
)


@functools.cache
def content_tables():
    tables = set()
    for label in settings.PAGE_CACHE_CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label not in settings.PAGE_CACHE_IGNORED_MODELS:
                tables.add(model._meta.db_table)
    return frozenset(tables)


def written_table(sql):
    """The table a write statement writes to, or None for anything else."""
    if not isinstance(sql, str):
        return None
    match = _WRITE_STATEMENT.match(sql)
    return match.group(1) if match else None


def _bump_after_commit():
    store.bump_generation()


def _commit_bump_pending(connection):
    return any(func is _bump_after_commit for _, func, _ in connection.run_on_commit)


def content_written(connection):
    if not connection.in_atomic_block:
        store.bump_generation()
    elif not _commit_bump_pending(connection):
        store.bump_generation()
        transaction.on_commit(_bump_after_commit, using=connection.alias, robust=True)


def watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if written_table(sql) in content_tables():
        content_written(context["connection"])
    return result


def watch_connection(sender=None, connection=None, **kwargs):
    """connection_created receiver: every connection, every reconnect, once."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def watch_all_connections():
    for connection in connections.all(initialized_only=True):
        watch_connection(connection=connection)


def writes_pending():
    """Whether any connection of this thread holds uncommitted content writes."""
    return any(
        connection.in_atomic_block and _commit_bump_pending(connection)
        for connection in connections.all(initialized_only=True)
    )
