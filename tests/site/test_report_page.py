"""The 2021 campaign report page, the heart of the public site."""

import pytest
from django.urls import reverse

from articles.models import Article, Campaign
from core.status import Status
from core.typography import fullwidth_punctuation as zh

REPORT_URL = reverse("website:campaign_report", args=["2021-dang-shi-xue-xi-jiao-yu"])


@pytest.fixture
def report(client, content):
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    return response.content.decode()


def test_report_shows_campaign_source_and_credits(report):
    for text in [
        "2021年党史学习教育",
        "奋斗百年路 启航新征程",
        "杭州日报",
        "李婷婷",
        "孙钥",
        "孟娇",
        "高婷婷",
        "2021-03-11",
        "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程",
    ]:
        assert text in report, text


def test_report_shows_each_district_with_its_programme(report):
    for text in ["上城区", "江干区", "高新区（滨江）", "五学五争", "八学八新", "七大“课程”"]:
        assert text in report, text
    assert report.index("上城区") < report.index("江干区") < report.index("高新区（滨江）")
    assert "以“八学八新”推动党史学习教育走深走实" in report


def test_report_marks_jianggan_as_merged_into_shangcheng(report):
    shangcheng_url = reverse("website:district_detail", args=["shangcheng"])
    assert "已于2021年4月9日撤并" in report
    assert f'并入<a href="{shangcheng_url}">上城区</a>' in report


def test_report_lists_every_item(content, report):
    from articles.models import Programme

    for programme in Programme.objects.prefetch_related("items"):
        for item in programme.items.all():
            assert zh(item.title) in report, item.title


def test_report_shows_key_figures_and_honest_dates(report):
    for text in ["不少于", "100", "24", "重点举措", "专题活动", "巡回宣讲"]:
        assert text in report, text
    assert "2021年3月5日" in report and "2021年3月10日" in report
    assert "日期不详" in report and "近日" in report


def test_report_links_to_the_source_article(report):
    article = Article.objects.get()
    assert f'href="{article.get_absolute_url()}"' in report


def test_home_page_links_to_the_report(client, content):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert f'href="{REPORT_URL}"' in response.content.decode()


def test_report_is_hidden_while_its_article_is_a_draft(client, content):
    Article.objects.update(status=Status.DRAFT)
    assert client.get(REPORT_URL).status_code == 404
    Article.objects.update(status=Status.PUBLISHED)
    Campaign.objects.update(status=Status.DRAFT)
    assert client.get(REPORT_URL).status_code == 404


def test_pages_render_full_width_punctuation_between_chinese(report):
    """The source's 中国共产党的历史,是 reads 中国共产党的历史，是 on the page."""
    assert "中国共产党的历史，是中国共产党" in report
    assert "中国共产党的历史,是" not in report
    assert "07:23:49" in report


def test_full_width_rendering_can_be_turned_off(client, content, settings):
    settings.ZH_FULLWIDTH_PUNCTUATION = False
    page = client.get(REPORT_URL).content.decode()
    assert "中国共产党的历史,是中国共产党" in page
