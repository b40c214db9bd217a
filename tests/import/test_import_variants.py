"""Real-world variants of the seed layout import to the same fields.

Each test writes a fixture file (re-encoded, re-indented, re-punctuated …)
and checks what the importer stored.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from articles.models import Article
from districts.models import District

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED_TIME = dt.datetime(2021, 3, 11, 7, 23, 49, tzinfo=SHANGHAI)


def import_bytes(tmp_path, data, name="article.txt", *options):
    path = tmp_path / name
    path.write_bytes(data)
    call_command("import_articles", str(path), *options, verbosity=0)
    return Article.objects.get(source_file=name)


def import_text(tmp_path, text, **kwargs):
    return import_bytes(tmp_path, text.encode("utf-8"), **kwargs)


def paragraphs(article):
    return [p for s in article.sections.all() for p in s.paragraphs]


def credits(article):
    return [(b.kind, b.role, b.name) for b in article.bylines.all()]


def seed_article(seed_path, tmp_path, data):
    """Import `data` (a variant of the seed) and the seed itself; return both."""
    variant = import_bytes(tmp_path, data, name="variant.txt")
    Article.objects.filter(pk=variant.pk).update(import_key=None, import_checksum="")
    original = import_bytes(tmp_path, seed_path.read_bytes(), name="seed.txt")
    return variant, original


def same_content(a, b):
    assert a.title == b.title
    assert a.published_at == b.published_at
    assert a.source == b.source
    assert credits(a) == credits(b)
    assert paragraphs(a) == paragraphs(b)
    assert [s.heading for s in a.sections.all()] == [s.heading for s in b.sections.all()]
    assert a.closing_slogan == b.closing_slogan
    assert set(a.districts.all()) == set(b.districts.all())


# Encodings and line endings


def test_gb18030_file_matches_the_utf8_seed(districts, seed_path, tmp_path):
    data = seed_path.read_text(encoding="utf-8").encode("gb18030")
    variant, original = seed_article(seed_path, tmp_path, data)
    same_content(variant, original)


def test_gbk_and_gb2312_bytes_are_read_as_gb18030(districts, tmp_path):
    for codec in ["gbk", "gb2312"]:
        text = f"滨江开展党史宣讲{codec}\n发布时间:2021-03-12\n\n高新区(滨江)开展党史宣讲。"
        article = import_bytes(tmp_path, text.encode(codec), name=f"{codec}.txt")
        assert article.title == f"滨江开展党史宣讲{codec}"
        assert paragraphs(article) == ["高新区(滨江)开展党史宣讲。"]


def test_utf8_bom_is_dropped(districts, seed_path, tmp_path):
    variant, original = seed_article(seed_path, tmp_path, b"\xef\xbb\xbf" + seed_path.read_bytes())
    same_content(variant, original)
    assert not variant.title.startswith("\ufeff")


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings(districts, seed_path, tmp_path, newline):
    text = seed_path.read_text(encoding="utf-8").replace("\n", newline)
    variant, original = seed_article(seed_path, tmp_path, text.encode())
    same_content(variant, original)


# Layout


@pytest.mark.parametrize("nav", ["返 回\n", "返回\n", "返\u3000回\n", ""])
def test_navigation_line_is_optional(districts, tmp_path, nav):
    article = import_text(tmp_path, f"{nav}标题\n发布时间:2021-03-11\n\n正文。")
    assert article.title == "标题"


@pytest.mark.parametrize(
    "date_line",
    [
        "发布时间:2021-03-11 07:23:49",
        "发布时间：2021-03-11 07:23:49",
        "发布日期：2021-03-11 07:23:49",
        "时间: 2021-03-11 07:23:49",
    ],
)
def test_date_line_labels_and_colons(districts, tmp_path, date_line):
    article = import_text(tmp_path, f"标题\n{date_line}\n\n正文。")
    assert article.published_at == SEED_TIME
    assert article.published_time_known


@pytest.mark.parametrize(
    ("value", "expected", "time_known"),
    [
        ("2021-03-11 07:23:49", dt.datetime(2021, 3, 11, 7, 23, 49), True),
        ("2021-03-11 07:23", dt.datetime(2021, 3, 11, 7, 23), True),
        ("2021-03-11", dt.datetime(2021, 3, 11), False),
        ("2021/3/11 7:23", dt.datetime(2021, 3, 11, 7, 23), True),
        ("2021年03月11日 07:23", dt.datetime(2021, 3, 11, 7, 23), True),
        ("2021年3月11日", dt.datetime(2021, 3, 11), False),
    ],
)
def test_date_forms(districts, tmp_path, value, expected, time_known):
    """All forms are Asia/Shanghai; a date alone keeps that it has no time."""
    article = import_text(tmp_path, f"标题\n发布时间:{value}\n\n正文。")
    assert article.published_at == expected.replace(tzinfo=SHANGHAI)
    assert article.published_time_known is time_known


def test_date_without_time_is_shown_without_an_invented_time(districts, tmp_path, client):
    article = import_text(tmp_path, "标题\n发布时间:2021年3月11日\n\n正文。")
    Article.objects.filter(pk=article.pk).update(status="published")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "2021-03-11" in page and "00:00" not in page


def test_missing_date_line_imports_with_a_warning_and_stays_unpublished(districts, tmp_path):
    path = tmp_path / "nodate.txt"
    path.write_text("标题\n\n正文。", encoding="utf-8")
    call_command("import_articles", str(path), "--status", "published", "--json", verbosity=0)
    article = Article.objects.get()
    assert article.published_at is None
    assert not Article.objects.published().exists()


@pytest.mark.parametrize("indent", ["\u3000\u3000", "\u00a0\u00a0", "    ", "\t"])
def test_paragraph_indentation_is_removed(districts, tmp_path, indent):
    article = import_text(
        tmp_path, f"标题\n发布时间:2021-03-11\n\n{indent}第一段。\n\n{indent}第二段。{indent}"
    )
    assert paragraphs(article) == ["第一段。", "第二段。"]


@pytest.mark.parametrize(
    ("footer", "source", "expected"),
    [
        (
            "来源:杭州日报   作者:记者 李婷婷 孙钥 孟娇   编辑:高婷婷",
            "杭州日报",
            [
                ("author", "记者", "李婷婷"),
                ("author", "记者", "孙钥"),
                ("author", "记者", "孟娇"),
                ("editor", "", "高婷婷"),
            ],
        ),
        (
            "编辑：高婷婷\u3000来源：杭州日报\u3000作者：记者 李婷婷、孙钥,孟娇",
            "杭州日报",
            [
                ("editor", "", "高婷婷"),
                ("author", "记者", "李婷婷"),
                ("author", "记者", "孙钥"),
                ("author", "记者", "孟娇"),
            ],
        ),
        (
            "记者：李婷婷\u00a0\u00a0通讯员：王一 张二\u00a0\u00a0责任编辑：周三",
            "",
            [
                ("author", "记者", "李婷婷"),
                ("correspondent", "通讯员", "王一"),
                ("correspondent", "通讯员", "张二"),
                ("responsible_editor", "", "周三"),
            ],
        ),
        (
            "作者:见习记者 陈四 通讯员 赵五",
            "",
            [("author", "见习记者", "陈四"), ("correspondent", "通讯员", "赵五")],
        ),
        ("来源:杭州日报", "杭州日报", []),
    ],
)
def test_footer_variants(districts, tmp_path, footer, source, expected):
    """Fields in any order, either colon, any separator, any of them missing;
    role words kept apart from names."""
    article = import_text(tmp_path, f"标题\n发布时间:2021-03-11\n\n正文。\n\n{footer}")
    assert article.source == source
    assert credits(article) == expected
    assert paragraphs(article) == ["正文。"]


def test_footer_over_several_lines_and_slogans_after_it(districts, tmp_path):
    article = import_text(
        tmp_path,
        "标题\n发布时间:2021-03-11\n\n正文。\n\n来源：杭州日报\n作者：记者 李婷婷\n编辑：高婷婷\n"
        "奋斗百年路 启航新征程\n不忘初心 牢记使命",
    )
    assert article.source == "杭州日报"
    assert credits(article) == [("author", "记者", "李婷婷"), ("editor", "", "高婷婷")]
    assert article.closing_slogan == "奋斗百年路 启航新征程\n不忘初心 牢记使命"


def test_source_on_the_date_line(districts, tmp_path):
    article = import_text(tmp_path, "标题\n发布时间：2021-03-11 07:23:49　来源：杭州日报\n\n正文。")
    assert article.published_at == SEED_TIME
    assert article.source == "杭州日报"


def test_interview_lines_are_not_a_footer(districts, tmp_path):
    text = (
        "标题\n发布时间:2021-03-11\n\n记者：你们是怎么组织宣讲的？\n\n"
        "书记：我们组织了一百场宣讲，覆盖全部社区。\n\n来源:杭州日报"
    )
    article = import_text(tmp_path, text)
    assert paragraphs(article) == [
        "记者：你们是怎么组织宣讲的？",
        "书记：我们组织了一百场宣讲，覆盖全部社区。",
    ]
    assert credits(article) == []


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("杭州日报讯中国共产党的历史,是一曲壮歌。", "杭州日报讯"),
        (
            "本报讯（记者 李婷婷 通讯员 王一）近日，上城区召开会议。",
            "本报讯（记者 李婷婷 通讯员 王一）",
        ),
        ("新华社杭州3月10日电 江干区召开动员部署会。", "新华社杭州3月10日电"),
        ("通讯员队伍不断壮大。", ""),
    ],
)
def test_dateline_is_recorded_and_the_text_kept(districts, tmp_path, opening, dateline):
    article = import_text(tmp_path, f"标题\n发布时间:2021-03-11\n\n{opening}")
    assert article.dateline == dateline
    assert paragraphs(article) == [opening]


def test_seed_dateline(districts, seed_path, tmp_path):
    article = import_bytes(tmp_path, seed_path.read_bytes(), name="seed.txt")
    assert article.dateline == "杭州日报讯"
    assert paragraphs(article)[0].startswith("杭州日报讯中国共产党的历史")


# Headings and districts


def test_consecutive_heading_lines_are_one_heading(districts, tmp_path):
    text = (
        "标题\n发布时间:2021-03-11\n\n导语。\n\n以“八学八新”推动\n\n党史学习教育走深走实\n\n正文。"
    )
    article = import_text(tmp_path, text)
    assert [s.heading for s in article.sections.all()] == [
        "",
        "以“八学八新”推动党史学习教育走深走实",
    ]


@pytest.mark.parametrize("label", ["高新区(滨江)", "高新区（滨江）", "滨江区", "高新区 (滨江)"])
def test_district_heading_by_name_or_alias_and_bracket_width(districts, tmp_path, label):
    text = f"标题\n发布时间:2021-03-11\n\n导语。\n\n{label}\n\n开设七大“课程”\n\n正文。"
    article = import_text(tmp_path, text)
    section = article.sections.get(position=1)
    assert section.district == District.objects.get(slug="gaoxin-binjiang")
    assert section.district_label == label
    assert section.heading == "开设七大“课程”"
    assert list(article.districts.all()) == [section.district]


def test_source_text_keeps_its_half_width_punctuation(districts, seed_path, tmp_path):
    """Stored text is the source's; only pages render full-width forms."""
    article = import_bytes(tmp_path, seed_path.read_bytes(), name="seed.txt")
    assert "中国共产党的历史,是" in paragraphs(article)[0]
