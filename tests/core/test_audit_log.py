"""The audit log: who did what, from where, with what outcome; append-only,
readable by superusers, pruned after the retention period."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article
from audit.log import record
from audit.models import Action, AppendOnlyError, AuditEntry, Outcome
from core.status import Status
from districts.models import District
from tests.admin_helpers import admin_url, form_data, login_as, make_user
from tests.factories import make_article


def entries(action, **filters):
    if "object_id" in filters:
        filters.setdefault("object_type", "articles.article")
    return AuditEntry.objects.filter(action=action, **filters)


def test_publishing_through_the_admin_is_recorded_with_user_and_address(client, content):
    user = login_as(client, "publisher")
    article = make_article(title="待发布稿件", status=Status.DRAFT)
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "status": Status.PUBLISHED}
    client.post(admin_url(Article, "change", article.pk), data, REMOTE_ADDR="198.51.100.7")
    entry = entries(Action.PUBLISH, object_id=str(article.pk)).get()
    assert (entry.user_id, entry.username, entry.ip_address) == (
        user.pk,
        "publisher",
        "198.51.100.7",
    )
    assert entry.object_repr == "待发布稿件" and entry.outcome == Outcome.SUCCESS


def test_schedule_unpublish_archive_and_delete_are_recorded(client, content):
    login_as(client, "publisher")
    article = make_article(title="定时稿件", status=Status.DRAFT)
    article.status = Status.PUBLISHED
    article.published_at = timezone.now() + dt.timedelta(days=2)
    article.save()
    assert entries(Action.SCHEDULE, object_id=str(article.pk)).exists()
    client.post(
        admin_url(Article, "changelist"),
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    assert entries(Action.UNPUBLISH, object_id=str(article.pk), username="publisher").exists()
    article.refresh_from_db()
    article.status = Status.ARCHIVED
    article.save()
    assert entries(Action.ARCHIVE, object_id=str(article.pk)).exists()
    client.post(admin_url(Article, "delete", article.pk), {"post": "yes"})
    assert entries(Action.DELETE, object_repr="定时稿件", username="publisher").exists()


def test_saving_without_a_status_change_records_nothing(content):
    article = make_article(title="已发布")
    before = AuditEntry.objects.count()
    article.title = "已发布（改）"
    article.save()
    assert AuditEntry.objects.count() == before


def test_account_group_and_district_editor_changes_are_recorded(content):
    user = make_user("newcomer")
    assert entries(Action.USER_CHANGED, object_repr="newcomer").exists()
    user.groups.add(Group.objects.get(name="发布者"))
    assert entries(Action.USER_CHANGED, detail__contains="发布者").exists()
    District.objects.get(slug="jianggan").editors.add(user)
    assert entries(
        Action.DISTRICT_EDITORS, object_repr="江干区", detail__contains="newcomer"
    ).exists()
    District.objects.get(slug="jianggan").editors.remove(user)
    assert entries(Action.DISTRICT_EDITORS, detail__contains="移除").exists()


def test_exports_are_recorded(content, tmp_path):
    call_command("export_articles", "--format", "json", "--out", str(tmp_path), verbosity=0)
    entry = entries(Action.EXPORT).get()
    assert entry.username.startswith("命令行:") and "json" in entry.detail


def test_entries_cannot_be_changed_or_deleted(db):
    entry = record(Action.LOGIN_FAILED, outcome=Outcome.FAILURE, username="x")
    entry.detail = "改写"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(detail="改写")


def test_only_superusers_read_the_log_and_nobody_edits_it(client, content):
    entry = record(Action.LOGIN_FAILED, outcome=Outcome.FAILURE, username="someone")
    login_as(client, "publisher")
    assert client.get(admin_url(AuditEntry, "changelist")).status_code == 403
    client.logout()
    login_as(client, "superuser")
    listing = client.get(admin_url(AuditEntry, "changelist"), {"action__exact": "login_failed"})
    assert listing.status_code == 200 and "someone" in listing.content.decode()
    assert client.get(admin_url(AuditEntry, "change", entry.pk)).status_code == 200
    assert client.get(admin_url(AuditEntry, "add")).status_code == 403
    client.post(admin_url(AuditEntry, "delete", entry.pk), {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    client.post(admin_url(AuditEntry, "change", entry.pk), {"detail": "改写"})
    entry.refresh_from_db()
    assert entry.detail == ""


def test_prune_removes_only_entries_past_retention(db, time_machine):
    time_machine.move_to("2026-01-01 12:00:00+08:00", tick=False)
    record(Action.LOGIN, username="old")
    time_machine.move_to("2026-06-25 12:00:00+08:00", tick=False)
    record(Action.LOGIN, username="recent")
    time_machine.move_to("2026-07-01 12:00:00+08:00", tick=False)
    logins = AuditEntry.objects.filter(action=Action.LOGIN)
    call_command("prune_audit_log", verbosity=0)
    assert list(logins.values_list("username", flat=True)) == ["recent"]
    call_command("prune_audit_log", "--older-than", "2d", verbosity=0)
    assert not logins.exists()


def test_prune_refuses_a_bad_age(db):
    with pytest.raises(CommandError, match="180d"):
        call_command("prune_audit_log", "--older-than", "forever")


def test_imports_are_recorded_with_files_and_outcome(db, seed_path, tmp_path):
    call_command("import_articles", str(seed_path), verbosity=0)
    entry = entries(Action.IMPORT).get()
    assert entry.outcome == Outcome.SUCCESS
    assert str(seed_path) in entry.detail and "created 1" in entry.detail
    bad = tmp_path / "bad.txt"
    bad.write_text("", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_articles", str(bad), verbosity=0)
    failed = entries(Action.IMPORT, outcome=Outcome.FAILURE).get()
    assert "bad.txt" in failed.detail
    call_command("import_articles", str(seed_path), "--dry-run", verbosity=0)
    assert entries(Action.IMPORT).count() == 2  # a dry run changes nothing and is not logged
