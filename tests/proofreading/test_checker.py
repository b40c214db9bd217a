"""The checker flags every listed wrong form, and nothing the list or the seed
article writes correctly; dissolved districts' names are outdated from their
dissolution date on."""

import datetime as dt
import importlib

import pytest
from django.core.exceptions import ValidationError

from articles.models import ArticleSection
from articles.proofreading import article_texts, for_proofreading, proofread_article
from districts.models import District
from proofreading.checker import CONTEXT_CHARS, Proofreader, blocking, proofread
from proofreading.models import Term
from tests.factories import make_article

STARTER = importlib.import_module("proofreading.migrations.0002_starter_terms").STARTER_TERMS
AFTER = dt.date(2022, 1, 1)  # every outdated entry of the starter list applies


@pytest.fixture
def jianggan_dissolved(districts):
    shangcheng, jianggan, _ = districts
    jianggan.dissolved_on = dt.date(2021, 4, 9)
    jianggan.save()
    jianggan.successors.add(shangcheng)
    jianggan.aliases.create(name="江干")
    return jianggan


def test_the_starter_list_is_small_and_seeded(db):
    """The migration ships 10-25 entries, all active."""
    assert 10 <= len(STARTER) <= 25
    assert Term.objects.filter(active=True).count() == len(STARTER)


def test_every_seeded_wrong_form_is_found_and_nothing_else(db):
    """0 misses on the seeded list: each wrong form, in a sentence of its own,
    gives exactly one hit with the list's suggestion and severity."""
    texts = [(f"第{i}句", f"文中写了{entry['wrong']}这样的话。") for i, entry in enumerate(STARTER)]
    hits = proofread(texts, on=AFTER)
    found = [(hit.label, hit.found, hit.suggestion, hit.severity, hit.kind) for hit in hits]
    assert found == [
        (f"第{i}句", e["wrong"], e["right"], e["severity"], e["kind"])
        for i, e in enumerate(STARTER)
    ]


def test_right_forms_and_exceptions_of_the_seeded_list_are_not_flagged(db):
    """What the list says to write, and the exceptions it lists, are never hits."""
    texts = [("改正", entry["right"]) for entry in STARTER if entry["right"]]
    texts += [
        ("例外", phrase) for entry in STARTER for phrase in entry.get("exceptions", "").splitlines()
    ]
    assert proofread(texts, on=AFTER) == []


def test_no_false_hit_on_the_seed_article(seed):
    """The shipped 2021 report, as load_content stores it, has no hit."""
    texts = article_texts(seed)
    assert len(texts) > 20
    assert proofread_article(seed) == []
    # Checked as of today, the words themselves still pass (江干区 aside, see below).
    assert [hit for hit in proofread(texts) if hit.term_id is not None] == []


def test_the_seed_article_dated_after_the_merger_flags_only_jianggan(seed):
    """Dated after 2021-04-09 the same report would need 原江干区, and only that."""
    hits = proofread(article_texts(seed), on=dt.date(2021, 5, 1))
    assert hits
    assert {hit.found for hit in hits} == {"江干区", "江干"}
    assert {hit.found for hit in blocking(hits)} == {"江干区"}
    first = hits[0]
    assert (first.label, first.found, first.suggestion) == ("标题", "江干", "原江干")


@pytest.mark.parametrize(
    ("on", "flagged"),
    [
        (dt.date(2021, 4, 8), False),
        (dt.date(2021, 4, 9), True),
        (dt.date(2023, 6, 1), True),
        (dt.datetime(2021, 4, 8, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), False),
        (dt.datetime(2021, 4, 8, 16, 30, tzinfo=dt.UTC), True),  # 00:30 in Beijing
    ],
)
def test_jianggan_is_outdated_from_its_dissolution(jianggan_dissolved, on, flagged):
    """江干区 needs 原 in texts dated on or after 2021-04-09 (Beijing time), not before."""
    hits = proofread([("正文第1节第1段", "江干区召开动员部署会。")], on=on)
    assert bool(hits) is flagged
    if flagged:
        (hit,) = hits
        assert (hit.found, hit.suggestion, hit.severity, hit.kind) == (
            "江干区",
            "原江干区",
            "high",
            "outdated",
        )
        assert "2021年4月9日" in hit.explanation and "上城区" in hit.explanation


def test_former_jianggan_is_not_flagged_and_the_alias_only_gently(jianggan_dissolved):
    """原江干区 is right; 江干 alone is an alias (low), never inside 原江干区 or 江干区."""
    text = "原江干区和江干区委，以及江干。"
    hits = proofread([("正文", text)], on=AFTER)
    assert [(h.found, h.start, h.severity) for h in hits] == [
        ("江干区", 5, "high"),
        ("江干", 12, "low"),
    ]
    assert all(text[h.start : h.end] == h.found for h in hits)


def test_today_is_the_default_date(jianggan_dissolved):
    """A text without a date (an article without 发布时间) is checked as of today."""
    assert proofread([("标题", "江干区")])[0].suggestion == "原江干区"


def test_names_of_existing_districts_hide_a_dissolved_name_inside_them(districts):
    """A dissolved 滨江 is not flagged inside 高新区(滨江) or 滨江区, which still exist."""
    District.objects.create(name="滨江", slug="binjiang-old", dissolved_on=dt.date(2020, 1, 1))
    text = "高新区(滨江)、高新区（滨江）、滨江区和滨江"
    hits = proofread([("正文", text)], on=AFTER)
    assert [(h.found, h.start) for h in hits] == [("滨江", len(text) - 2)]


def test_exceptions_and_right_forms_of_a_term(db):
    """国家级 is fine in 国家级高新区; 下城区 in 原下城区; elsewhere both are hits."""
    text = "国家级高新区获评国家级荣誉。原下城区与下城区。"
    hits = proofread([("正文", text)], on=AFTER)
    assert [(h.found, h.start, h.severity) for h in hits] == [
        ("国家级", 8, "low"),
        ("下城区", 19, "high"),
    ]
    assert proofread([("正文", text)], on=dt.date(2021, 4, 8))[0].found == "国家级"


def test_inactive_terms_and_new_terms(db):
    """A term switched off is not checked; one a publisher adds is, at once."""
    Term.objects.filter(wrong="再接再励").update(active=False)
    Term.objects.create(kind=Term.Kind.CORRECTION, wrong="杭州市政府", right="杭州市人民政府")
    hits = proofread([("标题", "再接再励，杭州市政府")])
    assert [(h.found, h.suggestion, h.term_id is not None) for h in hits] == [
        ("杭州市政府", "杭州市人民政府", True)
    ]


def test_hit_context_for_highlighting(db):
    """A hit carries a short snippet on each side, cut with …, for <mark>."""
    before, after = "甲" * 40, "乙" * 40
    (hit,) = proofread([("正文", f"{before}党史教育学习{after}")])
    assert hit.before == "…" + "甲" * CONTEXT_CHARS
    assert hit.after == "乙" * CONTEXT_CHARS + "…"
    assert hit.context == f"{hit.before}党史教育学习{hit.after}"
    assert (hit.start, hit.end) == (40, 46)
    (short,) = proofread([("标题", "党史教育学习")])
    assert (short.before, short.after) == ("", "")
    assert short.describe() == "标题：党史教育学习 → 党史学习教育（高）"
    assert short.as_dict()["context"] == "党史教育学习"


def test_blocking_keeps_the_high_severity_hits(db):
    """Only high-severity hits block; low ones are advice."""
    hits = proofread([("正文", "最佳的党史教育学习")])
    assert [h.severity for h in hits] == ["low", "high"]
    assert blocking(hits) == [hits[1]]


def test_article_texts_are_labelled_in_chinese(db):
    """Title, summary, each section's district, heading, sub-headings and
    paragraphs, and the slogan, counted as editors count them."""
    article = make_article(
        title="标题文字", summary="摘要文字", closing_slogan="口号", paragraphs=["第一段。"]
    )
    ArticleSection.objects.create(
        article=article,
        position=1,
        district_label="江干区",
        heading="小标题文字",
        body="<p>甲段。</p><h3>段内&amp;标题</h3><p>乙段。</p>",
    )
    assert article_texts(article) == [
        ("标题", "标题文字"),
        ("摘要", "摘要文字"),
        ("正文第1节第1段", "第一段。"),
        ("正文第2节城区", "江干区"),
        ("正文第2节小标题", "小标题文字"),
        ("正文第2节小标题", "段内&标题"),
        ("正文第2节第1段", "甲段。"),
        ("正文第2节第2段", "乙段。"),
        ("结尾口号", "口号"),
    ]


def test_unsaved_form_sections_are_checked(db):
    """The admin form checks what the editor typed, before anything is saved."""
    article = make_article(published_at=None, paragraphs=["正文。"])
    article.title = "再接再励"
    typed = [ArticleSection(position=0, heading="", body="<p>贯澈落实。</p>")]
    hits = proofread_article(article, typed)
    assert [(h.label, h.found) for h in hits] == [("标题", "再接再励"), ("正文第1节第1段", "贯澈")]


def test_loading_the_list_takes_a_few_queries(jianggan_dissolved, django_assert_max_num_queries):
    """The list is loaded in four queries at most, then checks query nothing."""
    with django_assert_max_num_queries(4):
        reader = Proofreader.load()
    with django_assert_max_num_queries(0):
        assert reader.check([("标题", "江干区")], AFTER)


@pytest.mark.parametrize("count", [1, 30])
def test_checking_many_articles_does_not_query_per_article(
    jianggan_dissolved, django_assert_max_num_queries, count
):
    """One word list, one query for the articles and one for their sections."""
    for _ in range(count):
        make_article(
            paragraphs=["江干区再接再励。"], published_at=dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
        )
    with django_assert_max_num_queries(6):
        reader = Proofreader.load()
        results = [proofread_article(a, proofreader=reader) for a in for_proofreading()]
    assert len(results) == count
    assert all(len(hits) == 2 for hits in results)


def test_term_validation(db):
    """An outdated name needs its replacement and date; exceptions must hold the term."""
    with pytest.raises(ValidationError) as caught:
        Term(kind=Term.Kind.OUTDATED, wrong="某区").full_clean()
    assert set(caught.value.message_dict) == {"right", "outdated_from"}
    with pytest.raises(ValidationError) as caught:
        Term(kind=Term.Kind.BANNED, wrong="顶尖", exceptions="顶尖人才\n一流").full_clean()
    assert "一流" in caught.value.message_dict["exceptions"][0]
    Term(kind=Term.Kind.BANNED, wrong="顶尖", exceptions="顶尖人才").full_clean()
