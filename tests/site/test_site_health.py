"""Column health (栏目更新, issue 16): each column's state under a frozen clock,
the inspection's site-wide verdicts, `manage.py site_health` and the admin's
网站健康 page."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core.models import Tag
from core.status import Status
from districts.models import District
from tests.admin.test_admin_speaks_chinese import content_words, english_in
from tests.admin_helpers import login_as
from tests.factories import make_article, make_campaign, make_district, make_programme
from website import health
from website.health import EMPTY, FAIL, OK, WARN, site_health
from website.models import ColumnExpectation

BEIJING = dt.timezone(dt.timedelta(hours=8))
# A Monday morning in Beijing; every test measures whole days from here.
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)


def day(n):
    return START + dt.timedelta(days=n)


def report_at(moment):
    with time_machine.travel(moment, tick=False):
        return site_health()


def column(report, key):
    return next(c for c in report.columns if c.key == key)


def verdict(report, key):
    return next(v for v in report.verdicts if v.key == key)


def run_command(*args):
    """(exit status, stdout) of `manage.py site_health`."""
    out = io.StringIO()
    try:
        call_command("site_health", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def district(db):
    return make_district(name="上城区", slug="shangcheng")


# Column states


@pytest.mark.parametrize(
    ("days", "state"),
    [(0, OK), (10, OK), (11, WARN), (14, WARN), (15, FAIL), (400, FAIL)],
)
def test_news_column_warns_after_10_days_and_fails_after_14(district, days, state):
    make_article(published_at=START, districts=[district])
    report = report_at(day(days))
    for key in ("home", "news", "district:shangcheng"):
        measured = column(report, key)
        assert (measured.state, measured.days, measured.items) == (state, days, 1)
        assert measured.last_update == START


def test_days_are_counted_in_beijing_calendar_days(district):
    # 23:50 on the 2nd and 00:10 on the 17th in Beijing are 15 calendar days apart.
    make_article(published_at=dt.datetime(2026, 3, 2, 23, 50, tzinfo=BEIJING), districts=[district])
    report = report_at(dt.datetime(2026, 3, 17, 0, 10, tzinfo=BEIJING))
    assert (column(report, "district:shangcheng").days, column(report, "home").state) == (15, FAIL)


def test_a_column_listing_nothing_is_empty(district):
    make_article(published_at=START)  # on the home page, not the district's
    report = report_at(day(1))
    assert column(report, "district:shangcheng").state == EMPTY
    assert column(report, "district:shangcheng").last_update is None
    assert column(report, "home").state == OK


def test_a_district_with_only_a_programme_is_not_empty_but_never_updated(district):
    make_programme(make_campaign(), district)
    report = report_at(day(1))
    measured = column(report, "district:shangcheng")
    assert (measured.items, measured.last_update, measured.state) == (1, None, FAIL)


@pytest.mark.parametrize(
    ("days", "state"), [(150, OK), (151, WARN), (180, WARN), (181, FAIL), (20, OK)]
)
def test_notice_like_column_warns_after_150_days_and_fails_after_180(district, days, state):
    ColumnExpectation.objects.create(key="district:shangcheng", kind="notice")
    make_article(published_at=START, districts=[district])
    measured = column(report_at(day(days)), "district:shangcheng")
    assert (measured.kind, measured.thresholds, measured.custom) == ("notice", (150, 180), True)
    assert measured.state == state


def test_a_column_that_need_not_update_never_fails_but_can_be_empty(district):
    other = make_district(name="西湖区", slug="xihu")
    for slug in ("shangcheng", "xihu"):
        ColumnExpectation.objects.create(key=f"district:{slug}", kind="none")
    make_article(published_at=START, districts=[district])
    report = report_at(day(3650))
    assert column(report, "district:shangcheng").state == OK
    assert column(report, f"district:{other.slug}").state == EMPTY


def test_custom_days_override_the_kind(district):
    ColumnExpectation.objects.create(
        key="district:shangcheng", kind="news", warn_days=3, fail_days=5
    )
    make_article(published_at=START, districts=[district])
    assert column(report_at(day(3)), "district:shangcheng").state == OK
    assert column(report_at(day(4)), "district:shangcheng").state == WARN
    assert column(report_at(day(6)), "district:shangcheng").state == FAIL


def test_expectation_validation(db):
    with pytest.raises(ValidationError, match="预警天数应少于不合格天数"):
        ColumnExpectation(key="news", kind="news", warn_days=20).full_clean()
    with pytest.raises(ValidationError, match="无需填写天数"):
        ColumnExpectation(key="news", kind="none", fail_days=20).full_clean()


def test_a_dissolved_district_need_not_update_by_default(district):
    dissolved = make_district(name="江干区", slug="jianggan", dissolved_on=dt.date(2021, 4, 9))
    make_article(published_at=START, districts=[district, dissolved])
    report = report_at(day(100))
    assert column(report, "district:jianggan").kind == "none"
    assert column(report, "district:jianggan").state == OK
    assert column(report, "district:shangcheng").state == FAIL


def test_programme_and_popular_tag_pages_are_columns(district):
    programme = make_programme(make_campaign(), district)
    article = make_article(published_at=START, programmes=[programme], tags=["垃圾分类"])
    report = report_at(day(12))
    tag_slug = article.tags.get().slug
    assert column(report, f"programme:{programme.slug}").state == WARN
    tag_column = column(report, f"tag:{tag_slug}")
    assert (tag_column.name, tag_column.state) == ("标签：垃圾分类", WARN)
    assert tag_column.url == reverse("articles:tag_detail", args=[tag_slug])


def test_a_tag_off_the_home_page_is_a_column_once_given_an_expectation(db, monkeypatch):
    monkeypatch.setattr(health, "POPULAR_TAGS", 1)
    make_article(published_at=START, tags=["热门"])
    make_article(published_at=START, tags=["热门", "冷门"])
    cold = Tag.objects.get(name="冷门").slug
    keys = [c.key for c in report_at(day(1)).columns]
    assert f"tag:{cold}" not in keys and len([k for k in keys if k.startswith("tag:")]) == 1
    ColumnExpectation.objects.create(key=f"tag:{cold}", kind="notice")
    assert column(report_at(day(1)), f"tag:{cold}").kind == "notice"


def test_a_draft_programme_is_no_column(district):
    programme = make_programme(make_campaign(), district, status=Status.DRAFT)
    keys = {c.key for c in report_at(day(1)).columns}
    assert f"programme:{programme.slug}" not in keys


# Scheduled and expired content counts by when it is visible


def test_a_scheduled_article_counts_only_once_its_time_has_come(district):
    make_article(published_at=day(-20), districts=[district])
    with time_machine.travel(START, tick=False):
        make_article(published_at=day(2), districts=[district])  # 定时发布
    before = column(report_at(day(1)), "district:shangcheng")
    assert (before.days, before.items, before.state) == (21, 1, FAIL)
    after = column(report_at(day(3)), "district:shangcheng")
    assert (after.days, after.items, after.state) == (1, 2, OK)
    assert after.last_update == day(2)


def test_an_expired_article_no_longer_counts(district):
    make_article(published_at=day(-20), districts=[district])
    make_article(published_at=day(-1), expires_at=day(1), districts=[district])
    assert column(report_at(START), "district:shangcheng").state == OK
    later = column(report_at(day(2)), "district:shangcheng")
    assert (later.days, later.items, later.state) == (22, 1, FAIL)


def test_unpublished_articles_do_not_count(district):
    make_article(published_at=day(-20), districts=[district])
    make_article(published_at=day(-1), districts=[district], status=Status.UNPUBLISHED)
    assert column(report_at(START), "district:shangcheng").days == 20


# Site-wide verdicts (单项否决)


@pytest.mark.parametrize(("days", "state"), [(10, OK), (11, WARN), (15, FAIL)])
def test_home_page_not_updated(db, days, state):
    make_article(published_at=START)
    report = report_at(day(days))
    assert verdict(report, "home").state == state
    assert report.state == state
    assert report.failed == (state == FAIL)


def test_a_home_page_without_articles_fails(db):
    report = report_at(START)
    assert verdict(report, "home").state == FAIL


@pytest.mark.parametrize(("failing", "state"), [(0, OK), (1, WARN), (4, WARN), (5, FAIL)])
def test_five_stale_columns_fail_the_site(db, failing, state):
    for n in range(5):
        stale = n < failing
        make_article(
            published_at=day(0 if stale else 19),
            districts=[make_district(name=f"测试区{n}", slug=f"d{n}")],
        )
    make_article(published_at=day(20))  # the home page itself is fresh
    report = report_at(day(20))
    assert [c.key for c in report.columns if c.state == FAIL] == [
        f"district:d{n}" for n in range(failing)
    ]
    assert verdict(report, "stale_columns").state == state
    assert verdict(report, "home").state == OK
    assert report.state == state


@pytest.mark.parametrize(("empty", "state"), [(2, OK), (3, WARN), (4, WARN), (5, FAIL)])
def test_empty_columns_warn_above_2_and_fail_at_5(db, empty, state):
    for n in range(empty):
        make_district(name=f"空白区{n}", slug=f"empty{n}")
    make_article(published_at=START)
    report = report_at(START)
    assert sum(c.state == EMPTY for c in report.columns) == empty
    assert verdict(report, "empty_columns").state == state
    assert report.state == state


def test_an_article_listed_without_publication_time_fails_the_site(db, monkeypatch):
    make_article(published_at=START)
    assert verdict(report_at(START), "undated_items").state == OK
    # Today's rule keeps undated articles off the site; should it ever change
    # (a type without scheduling), the check still catches what is listed.
    monkeypatch.setattr(Article, "scheduled", False)
    undated = make_article(published_at=None, title="没有发布时间的稿件")
    report = report_at(START)
    assert column(report, "news").undated == [(undated.pk, "没有发布时间的稿件")]
    assert verdict(report, "undated_items").state == FAIL
    assert "没有发布时间的稿件" in verdict(report, "undated_items").detail
    assert report.failed


def test_undated_imported_articles_are_not_published(content):
    # What the shipped content loader leaves undated is never on a public list.
    report = site_health()
    assert verdict(report, "undated_items").state == OK
    assert all(c.undated == [] for c in report.columns)


# manage.py site_health


def test_command_prints_a_table_and_the_verdicts(district):
    make_article(published_at=START, districts=[district])
    with time_machine.travel(day(11), tick=False):
        status, out = run_command()
    assert status == 0  # a warning is printed, not an error
    assert "城区：上城区" in out and "预警" in out and "首页更新" in out
    assert "总体：预警" in out


def test_command_exits_1_when_something_fails(district):
    make_article(published_at=START, districts=[district])
    with time_machine.travel(day(15), tick=False):
        status, out = run_command()
    assert status == 1
    assert "总体：不合格" in out


def test_command_json(district):
    ColumnExpectation.objects.create(key="district:shangcheng", kind="notice")
    make_article(published_at=START, districts=[district])
    with time_machine.travel(day(15), tick=False):
        status, out = run_command("--json")
    data = json.loads(out)
    assert status == 1
    assert data["state"] == "fail"
    assert set(data["verdicts"]) == {"home", "stale_columns", "empty_columns", "undated_items"}
    assert data["verdicts"]["home"]["state"] == "fail"
    assert [c["key"] for c in data["columns"]] == ["home", "news", "district:shangcheng"]
    assert data["columns"][2] == {
        "key": "district:shangcheng",
        "name": "城区：上城区",
        "url": "/districts/shangcheng/",
        "kind": "notice",
        "custom": True,
        "warn_days": 150,
        "fail_days": 180,
        "items": 1,
        "last_update": START.astimezone(dt.UTC).isoformat(),
        "days": 15,
        "state": "ok",
        "undated": [],
    }
    assert timezone.datetime.fromisoformat(data["checked_at"]) == day(15)


def test_command_on_the_shipped_content(content):
    # A day after the report went out the site is healthy, a month later it is not.
    latest = Article.objects.published().first().published_at
    with time_machine.travel(latest + dt.timedelta(days=1), tick=False):
        assert run_command()[0] == 0
    with time_machine.travel(latest + dt.timedelta(days=30), tick=False):
        status, out = run_command()
    assert status == 1
    assert "应更新未更新栏目" in out


# The admin's 网站健康 page

HEALTH_URL = "admin:website_site_health"


def test_publishers_see_the_health_page(client, content):
    login_as(client, "publisher")
    response = client.get(reverse(HEALTH_URL))
    assert response.status_code == 200
    page = response.content.decode()
    assert "网站健康" in page and "单项否决指标" in page and "首页更新" in page
    assert "城区：上城区" in page
    assert not english_in(page, content_words())
    # Publishers keep the expectations too (website.roles): each row links to its setting.
    assert "设置更新要求" in page


def test_the_expectation_list_links_to_the_health_page(client, content):
    login_as(client, "superuser")
    response = client.get(reverse("admin:website_columnexpectation_changelist"))
    assert response.status_code == 200
    assert reverse(HEALTH_URL) in response.content.decode()


def test_the_health_page_is_linked_from_the_admin_home(client, content):
    login_as(client, "publisher")
    assert reverse(HEALTH_URL) in client.get(reverse("admin:index")).content.decode()
    login_as(client, "newsroom")
    assert reverse(HEALTH_URL) not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role", ["newsroom", "district"])
def test_other_editors_are_refused(client, content, role):
    login_as(client, role)
    assert client.get(reverse(HEALTH_URL)).status_code == 403


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse(HEALTH_URL))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_superuser_sets_an_expectation_from_the_health_page(client, content):
    login_as(client, "superuser")
    page = client.get(reverse(HEALTH_URL)).content.decode()
    add_url = reverse("admin:website_columnexpectation_add") + "?key=district%3Ashangcheng"
    assert add_url.replace("&", "&amp;") in page
    form = client.get(add_url)
    assert form.context["adminform"].form.initial["key"] == "district:shangcheng"
    response = client.post(
        reverse("admin:website_columnexpectation_add"),
        {
            "key": "district:shangcheng",
            "kind": "notice",
            "warn_days": "",
            "fail_days": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert ColumnExpectation.objects.get().kind == "notice"
    measured = column(site_health(), "district:shangcheng")
    assert (measured.kind, measured.custom) == ("notice", True)


def test_the_expectation_form_offers_existing_columns_only(client, content):
    login_as(client, "superuser")
    response = client.post(
        reverse("admin:website_columnexpectation_add"),
        {"key": "district:nowhere", "kind": "news", "warn_days": "", "fail_days": "", "note": ""},
    )
    assert response.status_code == 200
    assert not ColumnExpectation.objects.exists()
    assert District.objects.filter(slug="shangcheng").exists()
