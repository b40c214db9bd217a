"""`load_content` loads the shipped 2021 content, and loading it again changes nothing."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, Campaign, KeyFigure, Programme, ProgrammeEvent
from core.status import Status
from districts.models import District
from importing.loader import ContentError, load_content_dir


def snapshot():
    """Every row of every project model, as plain values."""
    rows = {}
    for app_label in ("articles", "districts"):
        for model in apps.get_app_config(app_label).get_models():
            rows[model.__name__] = sorted(map(repr, model.objects.order_by("pk").values()))
    return rows


def test_loading_twice_leaves_the_same_rows(db, capsys):
    call_command("load_content")
    first = snapshot()
    capsys.readouterr()
    call_command("load_content")
    assert snapshot() == first
    assert "created 0, updated 0" in capsys.readouterr().out


def test_districts_with_aliases_and_the_jianggan_merger(content):
    assert list(District.objects.values_list("name", flat=True)) == [
        "上城区",
        "江干区",
        "高新区(滨江)",
    ]
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    assert {"高新区", "滨江区"} <= set(binjiang.aliases.values_list("name", flat=True))
    jianggan = District.objects.get(name="江干区")
    assert jianggan.dissolved_on == dt.date(2021, 4, 9)
    assert jianggan.is_dissolved
    assert list(jianggan.successors.all()) == [District.objects.get(name="上城区")]
    assert "新中国第一个居委会" in District.objects.get(name="上城区").profile


def test_programmes_have_every_item(content):
    counts = {p.name: len(p.main_items) for p in Programme.objects.prefetch_related("items")}
    assert counts == {"五学五争": 5, "八学八新": 8, "七大“课程”": 7}
    binjiang = Programme.objects.get(name="七大“课程”")
    assert [i.title for i in binjiang.sub_courses] == ["“企业家话发展”", "“红色传承话发展”"]
    assert all(p.status == Status.PUBLISHED for p in Programme.objects.all())


def test_key_figures_keep_their_qualifiers(content):
    figures = {f.source_text: (f.qualifier, f.value, f.unit) for f in KeyFigure.objects.all()}
    assert figures == {
        "六大专题活动": ("", 6, "大"),
        "24项重点举措": ("", 24, "项"),
        "巡回宣讲不少于100场": ("不少于", 100, "场"),
        "组织100场活动": ("", 100, "场"),
    }


def test_event_dates_are_as_precise_as_the_report(content):
    events = {e.date_text: (e.date, e.date_precision) for e in ProgrammeEvent.objects.all()}
    assert events["近日"] == (None, ProgrammeEvent.Precision.UNKNOWN)
    assert events["昨天"] == (dt.date(2021, 3, 10), ProgrammeEvent.Precision.DAY)
    assert events["3月5日"] == (dt.date(2021, 3, 5), ProgrammeEvent.Precision.DAY)
    assert events["3月3日"] == (dt.date(2021, 3, 3), ProgrammeEvent.Precision.DAY)


def test_campaign_points_at_its_published_report(content):
    campaign = Campaign.objects.get()
    assert (campaign.year, campaign.slogan) == (2021, "奋斗百年路 启航新征程")
    article = campaign.report_article
    assert article == Article.objects.published().get()
    assert article.campaign == campaign
    assert article.programmes.count() == 3
    assert "党史学习教育" in article.tags.names()


def test_every_shipped_fact_appears_in_the_report(content, seed_path):
    """Nothing invented: items, figures and activity titles are quoted from the article."""
    text = seed_path.read_text(encoding="utf-8")
    data = json.loads((settings.CONTENT_DIR / "2021" / "content.json").read_text("utf-8"))
    for programme in data["programmes"]:
        assert programme["name"] in text
        for item in programme["items"]:
            assert item in text, item
        for figure in programme["figures"]:
            assert figure["source_text"] in text
        for event in programme["events"]:
            assert event["date_text"] in text


def test_malformed_content_is_refused_whole(db, tmp_path):
    folder = tmp_path / "2021"
    folder.mkdir()
    (folder / "content.json").write_text('{"districts": [{"slug": "x"}]}', encoding="utf-8")
    with pytest.raises(ContentError, match=r"content\.json"):
        load_content_dir(tmp_path)
    assert not District.objects.exists()
