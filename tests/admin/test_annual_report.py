"""年度统计: the figures of the annual report of a government website
(政府网站工作年度报表) in the admin — items published and visits, per column
and Beijing month, for a chosen year, for publishers and those given the
statistics permission."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles import visits
from articles.models import ArticleVisitDay
from core.status import Status
from districts.models import District
from tests.admin_helpers import login_as, make_user
from tests.factories import make_article
from website.annual import annual_report

URL = "admin:website_annual_report"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def year_2021(db):
    shangcheng = District.objects.create(name="测试上城", slug="test-shangcheng")
    # 23:30 on 31 January in Beijing is still January, whatever UTC says.
    january = make_article(published_at=at(2021, 1, 31, 23, 30), districts=[shangcheng])
    march = make_article(published_at=at(2021, 3, 11, 7, 23))
    make_article(published_at=at(2020, 12, 31, 23, 59))  # another year
    make_article(published_at=at(2021, 3, 12), status=Status.DRAFT)  # not visible
    for article, day, count in [
        (january, dt.date(2021, 1, 31), 4),
        (january, dt.date(2021, 2, 1), 6),
        (march, dt.date(2021, 3, 11), 10),
        (march, dt.date(2022, 1, 1), 99),  # next year
    ]:
        ArticleVisitDay.objects.create(article=article, day=day, count=count)
    return shangcheng


def test_figures_per_column_and_month(year_2021):
    report = annual_report(2021)
    assert report.site.published[:3] == [1, 0, 1] and report.site.published_total == 2
    assert report.site.visits[:3] == [4, 6, 10] and report.site.visits_total == 20
    by_key = {row.key: row for row in report.columns}
    district = by_key["district:test-shangcheng"]
    assert district.published[:3] == [1, 0, 0] and district.published_total == 1
    assert district.visits[:3] == [4, 6, 0] and district.visits_total == 10
    assert by_key["home"].visits_total == 20


def test_publishers_see_the_page_in_chinese(client, year_2021):
    login_as(client, "publisher")
    response = client.get(reverse(URL), {"year": 2021})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2021年度统计" in page
    for label in (
        "发布信息数",
        "浏览次数",
        "全站",
        "首页",
        "城区：测试上城",
        "1月",
        "12月",
        "全年",
    ):
        assert label in page


def test_the_year_defaults_to_this_one_and_a_bad_year_is_a_form_error(client, year_2021):
    login_as(client, "publisher")
    this_year = dt.date.today().year
    assert f"{this_year}年度统计" in client.get(reverse(URL)).content.decode()
    for bad in ("1999", "abc", "２０２１", str(this_year + 1)):
        response = client.get(reverse(URL), {"year": bad})
        assert response.status_code == 200
        assert 'id="annual"' not in response.content.decode()
        assert "errorlist" in response.content.decode()


def test_csv_for_the_spreadsheet(client, year_2021):
    login_as(client, "superuser")
    response = client.get(reverse(URL), {"year": 2021, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["栏目", "指标", "1月"] and rows[0][-1] == "全年"
    assert rows[1][:5] == ["全站", "发布信息数", "1", "0", "1"] and rows[1][-1] == "2"
    assert rows[2][:5] == ["全站", "浏览次数", "4", "6", "10"] and rows[2][-1] == "20"


def test_buffered_counts_are_in_the_figures(client, year_2021, settings):
    settings.VISIT_FLUSH_THRESHOLD = 1000
    visits.reset()
    article = make_article()
    client.post(
        reverse("articles:article_visit", args=[article.pk]),
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
    )
    assert not ArticleVisitDay.objects.filter(article=article).exists()
    login_as(client, "publisher")
    client.get(reverse(URL))
    assert ArticleVisitDay.objects.get(article=article).count == 1
    visits.reset()


def test_the_statistics_permission_opens_it_to_others(client, db):
    user = make_user("statistician")
    user.user_permissions.add(Permission.objects.get(codename="view_visit_statistics"))
    client.force_login(user)
    assert client.get(reverse(URL)).status_code == 200
    assert reverse(URL) in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role", ["newsroom", "district"])
def test_other_editors_are_refused(client, content, role):
    login_as(client, role)
    assert client.get(reverse(URL)).status_code == 403
    assert reverse(URL) not in client.get(reverse("admin:index")).content.decode()


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
