"""The 2021 campaign report page, the heart of the public site."""

import datetime
import re

import pytest
from django.urls import reverse

from articles.models import Article, Campaign, Programme, ProgrammeEvent
from core.status import Status
from core.typography import fullwidth_punctuation as zh
from districts.models import District

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


# --- The page's structure (issue 15) -------------------------------------


def text_of(html):
    """What a reader sees of some HTML: no tags, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def part(page, start, end):
    return page[page.index(start) : page.index(end, page.index(start))]


def timeline_items(page):
    timeline = part(page, '<ol class="timeline report-timeline">', "</ol>")
    return re.findall(r"<li class=\"timeline-(\w+)\">(.*?)</li>", timeline, re.S)


def timeline_dates(page):
    """Each timeline entry's datetime, or None where the date is unknown."""
    dates = []
    for _, item in timeline_items(page):
        found = re.search(r'<time datetime="([^"]+)"', item)
        dates.append(found[1] if found else None)
    return dates


def test_sections_come_in_the_readers_order(report):
    """Lead, figures, timeline, district cards, then the full text."""
    order = ["杭州日报讯", 'id="figures-title"', 'id="timeline-title"', 'id="districts-title"']
    order += ['id="full-text-title"']
    positions = [report.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_figures_are_compared_only_within_one_unit(report):
    """6 专题活动, 24 项重点举措 and 100 场 share no bar scale: the two figures
    counted in 场 get bars on their own scale, the others none."""
    figures = part(report, 'id="figures-title"', "</section>")
    meters = re.findall(r'<meter class="figure-bar"[^>]* max="(\d+)" value="(\d+)"', figures)
    assert meters == [("100", "100"), ("100", "100")]
    assert "以“场”计" in figures
    single = part(figures, 'id="figure-group-single"', "</ul>")
    assert "6<small>大</small>" in single and "24<small>项</small>" in single
    assert "<meter" not in single


def test_a_unit_with_one_figure_gets_no_bar_and_a_shared_unit_gets_its_own_scale(client, content):
    jianggan = Programme.objects.get(slug="ba-xue-ba-xin")
    jianggan.figures.create(label="专题宣讲", value=12, unit="项", position=9)
    figures = part(client.get(REPORT_URL).content.decode(), 'id="figures-title"', "</section>")
    assert "以“项”计" in figures and "以“场”计" in figures
    assert 'max="24" value="12"' in figures and 'max="24" value="24"' in figures
    assert 'max="100" value="12"' not in figures and 'value="6"' not in figures


def test_one_timeline_across_districts_in_date_order(report):
    """3月3日 (滨江), 3月5日 (滨江), 3月10日 (江干, “昨天”), 上城's “近日” (known
    only to be before publication), the report of 3月11日, then 2021-04-09."""
    assert report.count('class="timeline report-timeline"') == 1
    dates = timeline_dates(report)
    assert dates == ["2021-03-03", "2021-03-05", "2021-03-10", None, "2021-03-11", "2021-04-09"]
    kinds = [kind for kind, _ in timeline_items(report)]
    assert kinds == ["event"] * 4 + ["publication", "dissolution"]
    texts = [text_of(item) for _, item in timeline_items(report)]
    assert "高新区（滨江）" in texts[1] and "原文：“3月5日”" in texts[1]
    assert "江干区" in texts[2] and "原文：“昨天”" in texts[2]
    assert texts[3].startswith("日期不详 （原文：“近日”）") and "上城区" in texts[3]
    assert "杭州日报刊发本篇报道" in texts[4]


def test_the_timeline_ends_with_jianggans_dissolution_into_shangcheng(report):
    kind, item = timeline_items(report)[-1]
    assert kind == "dissolution"
    assert '<time datetime="2021-04-09">2021年4月9日</time>' in item
    shangcheng = reverse("website:district_detail", args=["shangcheng"])
    assert f'撤销，并入<a href="{shangcheng}">上城区</a>' in item
    assert "江干区 撤销，并入上城区" in text_of(item)
    assert "报道发表后" in text_of(item)  # after the report of 2021-03-11
    assert "下沙街道、白杨街道" in item  # the district's own 区划调整说明


def test_the_dissolution_comes_from_the_district_not_the_template(client, content):
    District.objects.filter(slug="jianggan").update(
        dissolved_on=datetime.date(2021, 3, 4), change_note=""
    )
    page = client.get(REPORT_URL).content.decode()
    assert timeline_dates(page)[:3] == ["2021-03-03", "2021-03-04", "2021-03-05"]
    assert timeline_items(page)[1][0] == "dissolution"
    District.objects.filter(slug="jianggan").update(dissolved_on=None)
    page = client.get(REPORT_URL).content.decode()
    assert "dissolution" not in [kind for kind, _ in timeline_items(page)]
    assert "2021-04-09" not in timeline_dates(page)


def test_timeline_dates_keep_their_precision(client, content):
    programme = Programme.objects.get(slug="wu-xue-wu-zheng")
    programme.events.create(
        title="上城区开展专题学习",
        date=datetime.date(2021, 3, 1),
        date_precision=ProgrammeEvent.Precision.MONTH,
        date_text="3月",
        position=5,
    )
    page = client.get(REPORT_URL).content.decode()
    dates = timeline_dates(page)
    assert dates[0] == "2021-03"  # a month sorts at its start and shows as a month
    assert '<time datetime="2021-03">2021年3月</time>' in page
    assert "2021年3月1日" not in page


def test_one_card_per_district_with_its_programme_and_links(report):
    cards = re.findall(r'<article class="district-card".*?</article>', report, re.S)
    assert len(cards) == 3
    article = Article.objects.get()
    sections = {s.district.slug: s for s in article.sections.exclude(district=None)}
    for card, programme in zip(cards, Programme.objects.order_by("position"), strict=True):
        text = text_of(card)
        assert programme.name in text and programme.headline in text
        for item in programme.main_items:
            assert zh(item.title) in text
        for figure in programme.figures.all():
            assert f">{figure.value}<small>{figure.unit}</small>" in card
        for event in programme.events.all():
            assert zh(event.title) in text
        section = sections[programme.district.slug]
        assert f'href="#section-{section.pk}"' in card
        assert f'id="section-{section.pk}"' in report
        assert f'href="{programme.get_absolute_url()}"' in card
    jianggan = text_of(cards[1])
    assert "江干区" in jianggan and "已于2021年4月9日撤并，并入上城区" in jianggan
    # A name with its own quotation marks keeps them, unwrapped.
    assert "七大“课程”举措详情" in cards[2] and "“七大“课程””" not in "".join(cards)


def test_full_text_is_on_the_page_but_folded(report):
    full = part(report, 'id="full-text-title"', "</details>")
    assert '<details id="full-text">' in full  # no `open`: folded until the reader asks
    assert "<summary>展开阅读全文" in full
    for text in [
        "上城是具有光荣革命传统的城区",
        "在昨天召开的全区党史学习教育动员部署会上",
        "院士讲堂",
    ]:
        assert text in full, text
    # The lead is shown once, above (its dateline set off), not again in the folded text.
    assert report.count('<strong class="dateline">杭州日报讯</strong>中国共产党的历史') == 1
    assert report.count("中国共产党的历史") == 1


def test_page_navigation_comes_first_folded(report):
    """On a phone the 本页目录 is at the top, before the report's heading."""
    nav = part(report, '<nav class="page-nav report-nav"', "</nav>")
    assert report.index('<nav class="page-nav report-nav"') < report.index("<h1")
    assert "<details>" in nav and "<summary>本页目录</summary>" in nav
    for target in ["source-title", "figures-title", "timeline-title", "districts-title"]:
        assert f'href="#{target}"' in nav and f'id="{target}"' in report
    assert nav.count('href="#district-card-') == 3
    assert 'id="district-card-3"' in report


def test_the_report_loads_its_own_stylesheet(report):
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/report[^"]*\.css"', report)
