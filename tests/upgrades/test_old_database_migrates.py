"""A database made by the code before the layers move migrates forward losing nothing.

The fixtures (tests/fixtures/db_before_layers, see its README) were made at commit
b39c24f: Tag/TaggedItem and the search index still in `articles`, campaigns and
programmes in `districts`. Each one is copied into a scratch database, its raw state
recorded, and then `manage.py migrate` runs in a subprocess with the current code, as an
operator would run it. The migrated database is checked two ways:

- raw SQL from this process (sqlite3 / psycopg), before and after: every table's row
  count, the content types with their ids, the permissions and each group's grants;
- `report()` below, run by `manage.py shell` in a subprocess against the migrated
  database, which answers through the ORM and prints JSON: tags, saved versions, admin
  log, redirects, search, district scoping, pages, and whether the database matches the
  models.

SQLite always runs; PostgreSQL runs when the test run's database is PostgreSQL
(DATABASE_URL=postgres://...), in a scratch database dropped afterwards.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from website.roles import GROUP_PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "db_before_layers"

# model name: (app label before, app label after)
MOVED = {
    "tag": ("articles", "core"),
    "taggeditem": ("articles", "core"),
    "campaign": ("districts", "articles"),
    "programme": ("districts", "articles"),
    "programmeitem": ("districts", "articles"),
    "keyfigure": ("districts", "articles"),
    "programmeevent": ("districts", "articles"),
    "searchentry": ("articles", "search"),
    "searchdocument": ("articles", "search"),
}
LAYER_MIGRATIONS = {
    ("core", "0001_initial"),
    ("search", "0001_initial"),
    ("articles", "0004_campaigns_and_programmes_move_in"),
    ("articles", "0005_tags_and_search_move_out"),
    ("districts", "0002_campaigns_and_programmes_move_out"),
}
# Models added after the fixture was made: their tables and content types are
# new, with their default permissions; their rows are what their own migrations
# ship (the proofreading starter list).
NEW_MODELS = {
    ("articles", "correction"),
    ("articles", "sectionimage"),
    ("articles", "articlevisitday"),
    ("core", "autosavedform"),
    ("editorial", "submission"),
    ("editorial", "notification"),
    ("proofreading", "term"),
    ("images", "image"),
    ("images", "rendition"),
    ("documents", "document"),
    ("website", "columnexpectation"),
}
NEW_TABLES = {f"{app_label}_{model}" for app_label, model in NEW_MODELS} | {
    "images_image_districts",
    "documents_document_districts",
    "articles_article_attachments",
}
# The only rows a migration may add elsewhere besides django_migrations: the new
# campaign publishing and visit statistics permissions, the new models'
# permissions, and the groups' grants of them (website.roles, post_migrate).
NEW_PERMISSIONS = {"articles.publish_campaign", "articles.view_visit_statistics"} | {
    f"{app_label}.{action}_{model}"
    for app_label, model in NEW_MODELS
    for action in ("add", "change", "delete", "view")
}
NEW_GRANTS = {
    group: set(permissions) & NEW_PERMISSIONS for group, permissions in GROUP_PERMISSIONS.items()
}
# The only rows a migration deletes: aliases that merely write their district's own
# name another way (districts 0003); the fixture's 高新区(滨江) has one.
OWN_NAME_ALIASES = {"高新区（滨江）"}
# Old model labels may stay in the audit log only: a read-only record of what happened,
# written with the label the model had then (audit.log), never used to look objects up.
OLD_LABELS_ALLOWED_IN = {("audit_auditentry", "object_type")}

PROGRAMME = "五学五争"
CAMPAIGN_SLUG = "2021-dang-shi-xue-xi-jiao-yu"
DISTRICT_EDITOR = "shangcheng"
REPORT_MARKER = "MIGRATION-REPORT "


def relabel(app_label, model):
    """An (app label, model) pair as the migrated code names it."""
    old, new = MOVED.get(model, (None, None))
    return (new if app_label == old else app_label), model


def dotted(permissions, moved=False):
    """(app label, model, codename) triples as app.codename; with `moved`, as the migrated
    code names the old ones."""
    return {
        f"{relabel(app_label, model)[0] if moved else app_label}.{codename}"
        for app_label, model, codename in permissions
    }


# --- The scratch databases, read with raw SQL from this process ---


class SqliteDatabase:
    vendor = "sqlite"

    def __init__(self, path):
        self.path = path
        self.url = f"sqlite:///{path}"

    def rows(self, sql):
        import sqlite3

        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def tables(self):
        # sqlite_* tables are SQLite's own bookkeeping (sqlite_sequence).
        return [
            name
            for (name,) in self.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]


class PostgresDatabase:
    vendor = "postgresql"

    def __init__(self, name, host, port, user, password):
        self.name, self.host, self.port, self.user, self.password = name, host, port, user, password
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        self.url = f"postgres://{auth}@{host}:{port}/{name}"

    def connect(self, dbname):
        import psycopg

        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=dbname,
            autocommit=True,
        )

    def rows(self, sql):
        with self.connect(self.name) as connection:
            return connection.execute(sql).fetchall()

    def tables(self):
        return [
            name
            for (name,) in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]

    def create(self):
        with self.connect("postgres") as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        with self.connect("postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def restore(self, dump):
        env = {**os.environ, "PGPASSWORD": self.password or ""}
        command = ["psql", "-h", self.host, "-p", str(self.port), "-U", self.user]
        command += ["-d", self.name, "-v", "ON_ERROR_STOP=1", "-q", "-X", "-f", "-"]
        with gzip.open(dump, "rb") as sql:
            result = subprocess.run(command, input=sql.read(), capture_output=True, env=env)
        assert result.returncode == 0, (
            f"restoring {dump.name} failed:\n{result.stderr.decode(errors='replace')}"
        )


def snapshot(database):
    """What the test compares before and after migrating, read with raw SQL."""
    permissions = """
        SELECT ct.app_label, ct.model, p.codename FROM auth_permission p
        JOIN django_content_type ct ON ct.id = p.content_type_id
    """
    grants = """
        SELECT g.name, ct.app_label, ct.model, p.codename FROM auth_group_permissions gp
        JOIN auth_group g ON g.id = gp.group_id
        JOIN auth_permission p ON p.id = gp.permission_id
        JOIN django_content_type ct ON ct.id = p.content_type_id
    """
    group_permissions = {}
    for group, *permission in database.rows(grants):
        group_permissions.setdefault(group, set()).add(tuple(permission))
    return {
        "counts": {
            table: database.rows(f'SELECT COUNT(*) FROM "{table}"')[0][0]
            for table in database.tables()
        },
        "content_types": {
            (app_label, model): pk
            for pk, app_label, model in database.rows(
                "SELECT id, app_label, model FROM django_content_type"
            )
        },
        "permissions": set(database.rows(permissions)),
        "group_permissions": group_permissions,
        "migrations": set(database.rows("SELECT app, name FROM django_migrations")),
    }


def manage(database, *args):
    """`manage.py *args` against `database`, as an operator runs it."""
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} on {database.vendor} exited with {result.returncode}:\n"
        f"{result.stdout}\n{result.stderr}"
    )
    return result.stdout


class Migrated:
    """One old database, migrated: raw snapshots before and after, and the report."""

    def __init__(self, database):
        self.database = database
        self.before = snapshot(database)
        assert not (self.before["migrations"] & LAYER_MIGRATIONS), (
            "the fixture already has the layer migrations applied: it is not an old database"
        )
        self.migrate_output = manage(database, "migrate", "--noinput")
        self.after = snapshot(database)
        code = "from tests.upgrades.test_old_database_migrates import report; report()"
        output = manage(database, "shell", "--no-imports", "-c", code)
        lines = [line for line in output.splitlines() if line.startswith(REPORT_MARKER)]
        assert len(lines) == 1, f"no report in the shell's output:\n{output}"
        self.report = json.loads(lines[0].removeprefix(REPORT_MARKER))


def postgres_server():
    """Where the PostgreSQL variant connects: the test run's own server."""
    database = settings.DATABASES["default"]
    return {
        "host": database.get("HOST") or "127.0.0.1",
        "port": int(database.get("PORT") or 5432),
        "user": database.get("USER") or "postgres",
        "password": database.get("PASSWORD") or "",
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def migrated(request, tmp_path_factory):
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("old_sqlite") / "db.sqlite3"
        with gzip.open(FIXTURES / "db.sqlite3.gz", "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield Migrated(SqliteDatabase(path))
        return

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.skip(
            f"the PostgreSQL fixture is only migrated when the test run's database is "
            f"PostgreSQL (DATABASE_URL=postgres://...); this run uses {engine}"
        )
    database = PostgresDatabase(f"old_layers_{uuid.uuid4().hex[:12]}", **postgres_server())
    database.create()
    try:
        database.restore(FIXTURES / "db.postgresql.sql.gz")
        yield Migrated(database)
    finally:
        database.drop()


# --- What the migrated database must still hold ---


def test_every_row_is_kept(migrated):
    before, after = migrated.before, migrated.after
    added_migrations = after["migrations"] - before["migrations"]
    expected = dict(before["counts"])
    expected["django_migrations"] += len(added_migrations)
    expected["auth_permission"] += len(NEW_PERMISSIONS)
    expected["auth_group_permissions"] += sum(len(grants) for grants in NEW_GRANTS.values())
    expected["django_content_type"] += len(NEW_MODELS)
    expected["districts_districtalias"] -= len(OWN_NAME_ALIASES)
    for table in NEW_TABLES:
        expected[table] = after["counts"].get(table)

    assert set(after["counts"]) == set(expected), (
        f"tables dropped: {sorted(set(expected) - set(after['counts']))}; "
        f"tables added: {sorted(set(after['counts']) - set(expected))}"
    )
    changed = [
        f"{table}: {before['counts'][table]} rows before, {after['counts'][table]} after "
        f"(expected {expected[table]})"
        for table in sorted(expected)
        if after["counts"][table] != expected[table]
    ]
    assert not changed, "row counts changed by migrating:\n" + "\n".join(changed)
    assert added_migrations >= LAYER_MIGRATIONS, (
        f"layer migrations not applied: {sorted(LAYER_MIGRATIONS - added_migrations)}"
    )


def test_content_types_are_renamed_in_place(migrated):
    """Same ids, new app labels: everything pointing at them (permissions, tagged items,
    log entries, versions) follows without being rewritten."""
    expected = {
        relabel(app_label, model): pk
        for (app_label, model), pk in migrated.before["content_types"].items()
    }
    for key in NEW_MODELS:
        expected[key] = migrated.after["content_types"].get(key)
    assert migrated.after["content_types"] == expected, (
        "content types differ from the old ones relabelled in place:\n"
        f"missing or changed: {sorted(set(expected.items()) - set(migrated.after['content_types'].items()))}\n"
        f"unexpected: {sorted(set(migrated.after['content_types'].items()) - set(expected.items()))}"
    )
    by_model = migrated.report["content_types"]
    for model, (old, new) in MOVED.items():
        labels = by_model.get(model, [])
        assert old not in labels, f"a content type for {model} is left under {old}: {labels}"
        assert labels.count(new) == 1, (
            f"{model} should have exactly one content type, under {new}: {labels}"
        )


def test_permissions_and_group_grants_are_kept(migrated):
    before, after = migrated.before, migrated.after
    expected = dotted(before["permissions"], moved=True) | NEW_PERMISSIONS
    got = dotted(after["permissions"])
    assert got == expected, (
        f"permissions lost: {sorted(expected - got)}; unexpected: {sorted(got - expected)}"
    )
    assert set(after["group_permissions"]) == set(before["group_permissions"])
    for group, grants in before["group_permissions"].items():
        wanted = dotted(grants, moved=True) | NEW_GRANTS.get(group, set())
        got = dotted(after["group_permissions"][group])
        assert got == wanted, (
            f"group {group}: lost {sorted(wanted - got)}, gained {sorted(got - wanted)}"
        )
    publishers = set(migrated.report["groups"]["发布者"])
    for permission in ["articles.publish_programme", "core.delete_tag"]:
        assert permission in publishers, f"发布者 lost {permission}"


def test_users_keep_their_roles_and_districts(migrated):
    chief = migrated.report["users"]["chief"]
    assert chief["is_superuser"], f"chief is no longer a superuser: {chief}"
    editor = migrated.report["users"][DISTRICT_EDITOR]
    assert editor["groups"] == ["城区编辑"], f"{DISTRICT_EDITOR}'s groups: {editor['groups']}"
    assert editor["own_districts"] == ["上城区"], (
        f"{DISTRICT_EDITOR} should still edit 上城区 (District.editors): {editor['own_districts']}"
    )
    # 上城区's, and 江干区's (merged into 上城区 in 2021), not 滨江's.
    assert editor["programmes_in_scope"] == [PROGRAMME, "八学八新"], (
        f"{DISTRICT_EDITOR} should touch 上城区's and 江干区's programmes only: "
        f"{editor['programmes_in_scope']}"
    )
    refused = [name for name, allowed in editor["perms"].items() if not allowed]
    assert not refused, f"{DISTRICT_EDITOR} lost permissions under the new app labels: {refused}"


def test_tags_are_kept(migrated):
    tags = migrated.report["programme_tags"]
    assert "旧标签" in tags, f"{PROGRAMME} lost its tag 旧标签: {tags}"


def test_saved_versions_restore_as_the_moved_models(migrated):
    report = migrated.report["versions"]
    assert not report["errors"], "versions that no longer deserialise:\n" + "\n".join(
        report["errors"]
    )
    assert report["all"] == migrated.before["counts"]["reversion_version"], (
        f"{report['all']} versions after migrating, "
        f"{migrated.before['counts']['reversion_version']} before"
    )
    for label in ["articles.Programme", "articles.Campaign"]:
        versions = report["by_model"][label]
        assert versions, f"no saved versions of {label} found through its content type"
        for version in versions:
            assert version["object_label"] == label, f"a version of {label}: {version}"
            assert version["object_pk"] == version["current_pk"], (
                f"a version of {label} deserialises to pk {version['object_pk']}, "
                f"but the row it belongs to is {version['current_pk']}: {version}"
            )
    assert report["for_programme"] == 1, (
        f"Version.objects.get_for_object({PROGRAMME}) finds {report['for_programme']} versions"
    )
    assert report["revert"] == "ok", f"reverting the old revision failed: {report['revert']}"


def test_admin_log_entry_points_at_the_programme(migrated):
    entries = migrated.report["log_entries"]
    assert entries, "the admin log entry is gone"
    for entry in entries:
        assert entry["edited_object"] == ["articles.Programme", PROGRAMME], (
            f"LogEntry.get_edited_object() for {entry['content_type']} #{entry['object_id']} "
            f"gives {entry['edited_object']}"
        )


def test_article_redirect_still_redirects(migrated):
    redirects = migrated.report["redirects"]
    assert len(redirects) == 1, f"ArticleRedirect rows: {redirects}"
    redirect = redirects[0]
    assert redirect["status"] == 301 and redirect["location"] == redirect["article_url"], (
        f"the old article URL no longer redirects to the article: {redirect}"
    )


def test_search_still_finds_moved_content(migrated):
    search = migrated.report["search"]
    assert all(search["indexed"].values()), f"index entries missing: {search['indexed']}"
    assert not search["unpublished_entries"], (
        f"programme/district index entries without published_at: {search['unpublished_entries']}"
    )
    assert search["total"] >= 1, f'search("{PROGRAMME}") finds nothing: {search}'
    assert ["programme", PROGRAMME] in search["hits"], (
        f'search("{PROGRAMME}") does not return the programme: {search["hits"]}'
    )


def test_public_pages_render(migrated):
    pages = migrated.report["pages"]
    broken = {url: status for url, status in pages["status"].items() if status != 200}
    assert not broken, f"pages of moved models no longer render: {broken}"
    assert pages["tag_shown"], f"the programme page does not show its tag 旧标签: {pages}"


def test_no_old_model_label_is_left(migrated):
    stale = [
        hit
        for hit in migrated.report["old_labels"]
        if (hit["table"], hit["column"]) not in OLD_LABELS_ALLOWED_IN
    ]
    assert not stale, "old model labels left in the data (rows still naming the old app):\n" + (
        "\n".join(f"{h['table']}.{h['column']}: {h['rows']} rows with {h['label']}" for h in stale)
    )


def test_database_matches_the_models(migrated):
    """State-only moves keep the tables: every model's table, column, index and
    constraint name must exist, or later migrations on these models will fail."""
    assert not migrated.report["schema_drift"], "database and models disagree:\n" + "\n".join(
        migrated.report["schema_drift"]
    )


def test_nothing_is_left_unapplied(migrated):
    assert migrated.report["unapplied"] == [], (
        f"unapplied migrations: {migrated.report['unapplied']}"
    )
    # Exits non-zero, failing manage(), when a migration is unapplied.
    manage(migrated.database, "migrate", "--check")


# --- Run by `manage.py shell` against the migrated database ---


def report():
    """Print, as one JSON line, what the tests above check through the ORM."""
    from django.apps import apps
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor
    from django.test import Client
    from reversion.models import Revision, Version

    from articles.models import ArticleRedirect, Campaign, Programme
    from districts.scoping import limit_to_own_districts, own_districts, sees_all_districts
    from search import service
    from search.models import SearchEntry

    facts = {}

    content_types = {}
    for ct in ContentType.objects.filter(model__in=MOVED).order_by("app_label"):
        content_types.setdefault(ct.model, []).append(ct.app_label)
    facts["content_types"] = content_types

    facts["groups"] = {
        group.name: sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        )
        for group in Group.objects.all()
    }

    users = {}
    for user in get_user_model().objects.all():
        users[user.username] = {
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "own_districts": sorted(own_districts(user).values_list("name", flat=True)),
            "programmes_in_scope": sorted(
                limit_to_own_districts(Programme.objects.all(), user).values_list("name", flat=True)
            )
            if not sees_all_districts(user)
            else None,
            "perms": {
                name: user.has_perm(name)
                for name in [
                    "articles.change_programme",
                    "articles.add_programmeitem",
                    "articles.view_campaign",
                    "core.add_tag",
                    "districts.view_district",
                ]
            },
        }
    facts["users"] = users

    programme = Programme.objects.get(name=PROGRAMME)
    facts["programme_tags"] = sorted(programme.tags.names())

    versions = {"errors": [], "all": 0, "by_model": {}}
    for version in Version.objects.select_related("content_type"):
        versions["all"] += 1
        try:
            version._object_version.object  # noqa: B018 (deserialises)
            version.field_dict  # noqa: B018
        except Exception as error:
            versions["errors"].append(f"version #{version.pk} ({version.content_type}): {error!r}")
    for model in [Programme, Campaign]:
        found = []
        for version in Version.objects.get_for_model(model):
            current = model.objects.filter(pk=version.object_id).first()
            try:
                obj = version._object_version.object
                label, pk = obj._meta.label, obj.pk
            except Exception as error:
                label, pk = f"does not deserialise: {error!r}", None
            found.append(
                {
                    "version": version.pk,
                    "object_label": label,
                    "object_pk": pk,
                    "current_pk": current and current.pk,
                }
            )
        versions["by_model"][model._meta.label] = found
    versions["for_programme"] = Version.objects.get_for_object(programme).count()

    facts["versions"] = versions

    entries = []
    for entry in LogEntry.objects.select_related("content_type"):
        try:
            edited = entry.get_edited_object()
            edited = [edited._meta.label, getattr(edited, "name", str(edited))]
        except Exception as error:
            edited = repr(error)
        entries.append(
            {
                "content_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
                "object_id": entry.object_id,
                "edited_object": edited,
            }
        )
    facts["log_entries"] = entries

    client = Client(HTTP_HOST="localhost")
    redirects = []
    for redirect in ArticleRedirect.objects.select_related("article"):
        article_url = redirect.article.get_absolute_url()
        response = client.get(article_url.replace(redirect.article.slug, redirect.old_slug))
        redirects.append(
            {
                "old_slug": redirect.old_slug,
                "article_url": article_url,
                "status": response.status_code,
                "location": response.headers.get("Location"),
            }
        )
    facts["redirects"] = redirects

    results = service.search(PROGRAMME)
    facts["search"] = {
        "total": results.total,
        "hits": [[hit.kind, getattr(hit.obj, "name", str(hit.obj))] for hit in results.hits],
        "indexed": {
            kind: SearchEntry.objects.filter(kind=kind).count()
            for kind in ["programme", "district"]
        },
        "unpublished_entries": list(
            SearchEntry.objects.filter(kind__in=["programme", "district"], published_at=None)
            .order_by("pk")
            .values_list("kind", "object_id")
        ),
    }

    programme_page = client.get(programme.get_absolute_url())
    campaign_url = Campaign.objects.get(slug=CAMPAIGN_SLUG).get_absolute_url()
    facts["pages"] = {
        "status": {
            programme.get_absolute_url(): programme_page.status_code,
            campaign_url: client.get(campaign_url).status_code,
        },
        "tag_shown": "旧标签" in programme_page.content.decode(),
    }

    with connection.cursor() as cursor:
        introspection = connection.introspection
        tables = set(introspection.table_names(cursor))
        columns = {
            table: [c.name for c in introspection.get_table_description(cursor, table)]
            for table in tables
        }

        # Old model labels anywhere in the data (serialised versions, JSON, text):
        # one query a table, a count for each column and label.
        old_labels = sorted({f"{old}.{model}" for model, (old, _) in MOVED.items()})
        hits = []
        quote = connection.ops.quote_name
        for table in sorted(tables):
            pairs = [(column, label) for column in columns[table] for label in old_labels]
            sums = ", ".join(
                f"SUM(CASE WHEN CAST({quote(column)} AS TEXT) LIKE %s THEN 1 ELSE 0 END)"
                for column, _ in pairs
            )
            cursor.execute(
                f"SELECT {sums} FROM {quote(table)}", [f"%{label}%" for _, label in pairs]
            )
            for (column, label), rows in zip(pairs, cursor.fetchone(), strict=True):
                if rows:
                    hits.append({"table": table, "column": column, "label": label, "rows": rows})
        facts["old_labels"] = hits

        # The database as the models (after state-only moves) describe it.
        drift = []
        # PostgreSQL cuts names to 63 characters (taggit's unique constraint is longer).
        longest = connection.ops.max_name_length() or None
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if not meta.managed or meta.proxy:
                continue
            if meta.db_table not in tables:
                drift.append(f"{meta.label}: table {meta.db_table} missing")
                continue
            for field in meta.local_concrete_fields:
                if field.column not in columns[meta.db_table]:
                    drift.append(f"{meta.label}: column {meta.db_table}.{field.column} missing")
            declared = [*meta.indexes, *meta.constraints]
            if declared:
                names = set(introspection.get_constraints(cursor, meta.db_table))
                drift += [
                    f"{meta.label}: {item.name} missing on {meta.db_table}"
                    for item in declared
                    if item.name[:longest] not in names
                ]
    facts["schema_drift"] = drift

    # Last, though rolled back: every old revision restores through the moved models.
    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            for revision in Revision.objects.all():
                revision.revert()
            raise Undo
    except Undo:
        versions["revert"] = "ok"
    except Exception as error:
        versions["revert"] = repr(error)

    executor = MigrationExecutor(connection)
    facts["unapplied"] = [
        f"{migration.app_label}.{migration.name}"
        for migration, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())
    ]

    print(REPORT_MARKER + json.dumps(facts, ensure_ascii=False, default=str))
