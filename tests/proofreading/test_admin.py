"""The word list in the admin: publishers keep it, every editor reads it; the
hits include renders each hit with its place, the found text in <mark>, the
suggestion and why."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from proofreading.checker import proofread
from proofreading.models import Term
from tests.admin_helpers import admin_url, login_as, make_user
from website.roles import DISTRICT_EDITORS, NEWSROOM_EDITORS, PUBLISHERS

NEW_TERM = {
    "kind": "correction",
    "wrong": "杭州市政府",
    "right": "杭州市人民政府",
    "severity": "high",
    "active": "on",
    "outdated_from": "",
    "exceptions": "",
    "note": "正式名称。",
}


def try_add(client):
    client.post(admin_url(Term, "add"), NEW_TERM)
    return Term.objects.filter(wrong="杭州市政府").exists()


def try_change(client):
    term = Term.objects.get(wrong="再接再励")
    data = {**NEW_TERM, "wrong": "再接再励", "right": "再接再厉", "severity": "low"}
    client.post(admin_url(Term, "change", term.pk), data)
    term.refresh_from_db()
    return term.severity == "low"


def try_delete(client):
    term = Term.objects.get(wrong="顶级")
    client.post(admin_url(Term, "delete", term.pk), {"post": "yes"})
    return not Term.objects.filter(pk=term.pk).exists()


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [("superuser", True), ("publisher", True), ("newsroom", False), ("district", False)],
)
def test_publishers_keep_the_list_and_everyone_reads_it(client, content, role, may_edit):
    login_as(client, role)
    listing = client.get(admin_url(Term, "changelist"))
    assert listing.status_code == 200
    assert "再接再励" in listing.content.decode()
    term = Term.objects.get(wrong="再接再励")
    assert client.get(admin_url(Term, "change", term.pk)).status_code == 200
    assert (client.get(admin_url(Term, "add")).status_code == 200) is may_edit
    assert try_add(client) is may_edit
    assert try_change(client) is may_edit
    assert try_delete(client) is may_edit


def test_staff_without_a_group_may_read_the_list(client, db):
    client.force_login(make_user("nogroup"))
    assert client.get(admin_url(Term, "changelist")).status_code == 200
    assert not try_add(client)


def test_group_permissions(db):
    """The 发布者 group holds the list; the other groups may only view it."""
    granted = {
        name: set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="proofreading")
            .values_list("codename", flat=True)
        )
        for name in (PUBLISHERS, NEWSROOM_EDITORS, DISTRICT_EDITORS)
    }
    assert granted == {
        PUBLISHERS: {"add_term", "change_term", "delete_term", "view_term"},
        NEWSROOM_EDITORS: {"view_term"},
        DISTRICT_EDITORS: {"view_term"},
    }


def test_list_filters_search_and_the_district_note(admin_client, content):
    """Filters by kind, severity and active; the districts' own rule is explained."""
    url = admin_url(Term, "changelist")
    page = admin_client.get(url).content.decode()
    assert "江干区、江干：2021-04-09起发布的稿件应写作“原江干区”（已并入上城区）" in page
    assert "admin-extra/proofreading.css" in page
    banned = admin_client.get(url, {"kind__exact": "banned"}).content.decode()
    assert "国家级" in banned and "再接再励" not in banned
    low = admin_client.get(url, {"severity__exact": "low", "active__exact": "1"}).content.decode()
    assert "顶级" in low and "再接再励" not in low
    found = admin_client.get(url, {"q": "再接再厉"}).content.decode()
    assert "再接再励" in found and "国家级" not in found


def test_the_admin_form_refuses_an_outdated_name_without_a_date(admin_client, db):
    response = admin_client.post(
        admin_url(Term, "add"), {**NEW_TERM, "kind": "outdated", "wrong": "某区", "right": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "要写明应改成什么" in page and "要写明从哪一天起过时" in page
    assert not Term.objects.filter(wrong="某区").exists()


def test_hits_template_marks_the_found_text(db):
    """Label, context with <mark>, suggestion, explanation and severity in words;
    the text is escaped and nothing is inline."""
    hits = proofread(
        [("正文第2节第3段", "<b>前文</b>党史教育学习后文"), ("标题", "最佳")],
        on=dt.date(2022, 1, 1),
    )
    html = render_to_string("admin/proofreading/hits.html", {"hits": hits})
    assert "校对提示（2处）" in html
    assert "正文第2节第3段" in html
    assert "&lt;b&gt;前文&lt;/b&gt;<mark>党史教育学习</mark>后文" in html
    assert "建议改为：<strong>党史学习教育</strong>" in html
    assert "须改正（严重程度：高）" in html and "请核实（严重程度：低）" in html
    assert "建议删除或改写“最佳”。" in html
    assert "中央统一的提法" in html
    assert "style=" not in html and "<script" not in html
    assert render_to_string("admin/proofreading/hits.html", {"hits": []}).strip() == ""
    assert "未发现问题" in render_to_string(
        "admin/proofreading/hits.html", {"hits": [], "show_none": True}
    )
    assert finders.find("admin-extra/proofreading.css")
