"""The parser reads the fields of the seed layout and its common variants."""

import datetime as dt

import pytest

from importing.parser import (
    SHANGHAI,
    ArticleFormatError,
    decode_article_bytes,
    parse_article,
    parse_footer,
    parse_published_at,
)


@pytest.mark.parametrize(
    ("text", "expected", "time_known"),
    [
        ("2021-03-11 07:23:49", dt.datetime(2021, 3, 11, 7, 23, 49), True),
        ("2021-03-11 07:23", dt.datetime(2021, 3, 11, 7, 23), True),
        ("2021/3/11 7:23", dt.datetime(2021, 3, 11, 7, 23), True),
        ("2021年03月11日 07:23", dt.datetime(2021, 3, 11, 7, 23), True),
        ("2021-03-11", dt.datetime(2021, 3, 11), False),
        ("2021年3月11日", dt.datetime(2021, 3, 11), False),
    ],
)
def test_date_forms_are_shanghai_time(text, expected, time_known):
    """Every date form is read in Asia/Shanghai; a bare date is flagged as such."""
    value, known = parse_published_at(text, line=2)
    assert value == expected.replace(tzinfo=SHANGHAI)
    assert known is time_known


def test_footer_keeps_roles_apart_from_names():
    source, bylines = parse_footer(
        "来源:杭州日报\u00a0\u00a0 作者:记者 李婷婷 孙钥 孟娇   编辑:高婷婷"
    )
    assert source == "杭州日报"
    assert [(b.kind, b.role, b.name) for b in bylines] == [
        ("author", "记者", "李婷婷"),
        ("author", "记者", "孙钥"),
        ("author", "记者", "孟娇"),
        ("editor", "", "高婷婷"),
    ]


def test_footer_with_full_width_colons_and_mixed_roles():
    source, bylines = parse_footer("作者：记者 张三、通讯员 李四　责任编辑：王五")
    assert source == ""
    assert [(b.kind, b.role, b.name) for b in bylines] == [
        ("author", "记者", "张三"),
        ("correspondent", "通讯员", "李四"),
        ("responsible_editor", "", "王五"),
    ]


def test_bom_and_crlf_are_normalised():
    text, encoding = decode_article_bytes(
        "\ufeff标题\r\n发布时间:2021-03-11\r\n\r\n正文。".encode()
    )
    assert text == "标题\n发布时间:2021-03-11\n\n正文。"
    assert encoding == "utf-8"


def test_known_district_heading_starts_a_section():
    text = "标题\n发布时间:2021-03-11\n\n导语。\n\n高新区（滨江）\n\n开设课程\n\n正文。"
    parsed = parse_article(
        text,
        district_labels={"高新区(滨江)"},
        normalize=lambda s: s.replace("（", "(").replace("）", ")"),
    )
    assert [(s.district_label, s.heading, s.paragraphs) for s in parsed.sections] == [
        ("", "", ["导语。"]),
        ("高新区（滨江）", "开设课程", ["正文。"]),
    ]


def test_title_line_that_is_a_date_is_an_error():
    with pytest.raises(ArticleFormatError) as error:
        parse_article("发布时间:2021-03-11\n\n正文。")
    assert error.value.line == 1
