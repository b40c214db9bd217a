"""One test per layout rule of issue 14 (importing.layout, importing.parser),
on synthetic lines: the forms the real-layout corpus does not show (NBSP and
U+3000 separators, 19:8, jump lines, 相关链接 blocks, 首席记者 datelines,
【字体：大 中 小】, 扫一扫在手机打开, a district label) are covered here."""

import datetime as dt

from importing.parser import SHANGHAI, ParseWarning, parse_article


def names(article, *kinds):
    return [b.name for b in article.bylines if b.kind in kinds]


def headings(article):
    return [s.heading for s in article.sections if s.heading]


def codes(article):
    return [w.code for w in article.warnings]


# 1. Title: chrome comes first; the title is the line above the metadata.


def test_title_is_found_under_breadcrumbs_menus_and_banners():
    text = (
        "设为首页|加入收藏|联系我们\nEN\n您的位置：首页 > 新闻中心 > 正文\n01版：要闻\n"
        "·另一篇新闻的标题\n- +1\n暂无图片\nAPP下载\n404 Not Found\n\n"
        "上城区开展党史学习教育\n发布时间：2021-03-11 07:23\n\n正文第一段。"
    )
    article = parse_article(text)
    assert article.title == "上城区开展党史学习教育"
    assert article.paragraphs == ["正文第一段。"]
    assert "chrome_dropped" in codes(article)


def test_metadata_above_the_title():
    article = parse_article(
        "国内新闻\n时间:2025年06月18日\n来源:吐鲁番日报\n标题在这里\n新华社6月17日电 正文第一段写得足够长，像一段真正的正文。"
    )
    assert article.title == "标题在这里"
    assert article.source == "吐鲁番日报"
    assert "title_guessed" in codes(article)


# 2. Dates in many shapes.


def test_date_shapes():
    cases = {
        "杭州网\u00a0\u00a0发布时间:2022-03-18 07:31": dt.datetime(2022, 3, 18, 7, 31),
        "2016-09-14 07:09:11 杭州网": dt.datetime(2016, 9, 14, 7, 9, 11),
        "site.hangzhou.com.cn\u3000\u30002021年11月26日 19:10:00 星期五": dt.datetime(
            2021, 11, 26, 19, 10
        ),
        "时间:2020年05月26日来源:皇姑区": dt.datetime(2020, 5, 26),
        "来源: 点击:时间:2018-11-28 9:09:12": dt.datetime(2018, 11, 28, 9, 9, 12),
        "来源:对外传播2021-06-28 11:56": dt.datetime(2021, 6, 28, 11, 56),
        "来源:某报  作者:张三  日期:2021-03-15": dt.datetime(2021, 3, 15),
        "更新时间：2021-03-11 19:8": dt.datetime(2021, 3, 11, 19, 8),
        "发布时间:2024-08-27 09:33:44 浏览次数:97": dt.datetime(2024, 8, 27, 9, 33, 44),
        "2010/1/6 16:43:13 次浏览 分类:政府动态    来源:": dt.datetime(2010, 1, 6, 16, 43, 13),
    }
    for line, expected in cases.items():
        article = parse_article(f"标题\n{line}\n\n正文。")
        assert article.published_at == expected.replace(tzinfo=SHANGHAI), line


def test_archive_headers_and_bulleted_dates():
    header = parse_article(
        "1960年9月8日人民日报 第3版\n\n第3版()\n赵顶良深入基层三年间\n正文的第一段写在这里，足够长，是正文。"
    )
    assert (header.title, header.source) == ("赵顶良深入基层三年间", "人民日报")
    assert header.published_at.date() == dt.date(1960, 9, 8)
    bulleted = parse_article(
        "标题\n• 发文日期:\n2024年04月06日 16:40\n• 发布日期:\n2024年04月06日 16:34\n\n正文。"
    )
    assert bulleted.published_at == dt.datetime(2024, 4, 6, 16, 34, tzinfo=SHANGHAI)


def test_no_date_is_none_and_said():
    article = parse_article("标题\n\n正文。")
    assert article.published_at is None
    assert "no_date" in codes(article)


# 3. Headings: labels are never glued to the heading under them.


def test_district_label_then_heading_without_a_district_index():
    text = "标题\n发布时间:2021-03-11\n\n导语。\n\n上城区\n\n以“五学五争”开展党史学习教育\n\n正文。"
    article = parse_article(text)
    assert [(s.district_label, s.heading) for s in article.sections] == [
        ("", ""),
        ("上城区", "以“五学五争”开展党史学习教育"),
    ]


def test_heading_broken_mid_phrase_continues_numbering_does_not():
    text = (
        "标题\n发布时间:2021-03-11\n\n导语。\n\n以“八学八新”推动\n\n党史学习教育走深走实\n\n正文。"
        "\n\n太湖县人民政府工作规则\n\n第一章  总  则\n\n一、正文。"
    )
    assert headings(parse_article(text)) == [
        "以“八学八新”推动党史学习教育走深走实",
        "太湖县人民政府工作规则",
        "第一章  总  则",
    ]


def test_chrome_captions_names_and_signatures_are_not_headings():
    text = (
        "标题\n发布时间:2021-03-11\n\n导语。\n\n打印本页\n\n101.jpg\n\n新华社记者\n\n"
        "社会治理;社区动员;创建文明城区\n\n太湖县人民政府\n2019年1月17日"
    )
    article = parse_article(text)
    assert headings(article) == []
    assert article.paragraphs == [
        "导语。",
        "社会治理;社区动员;创建文明城区",
        "太湖县人民政府",
        "2019年1月17日",
    ]


# 4. Footer and source.


def test_footer_stops_at_return_and_reads_only_the_source_value():
    text = (
        "标题\n发布时间:2021-03-11\n\n正文一段。\n\n"
        "来源：某某日报\u3000发布单位：某局  转载编辑:王五\n[ 责任编辑:泰石正 ]\n返回\n正文一段。"
    )
    article = parse_article(text)
    assert article.source == "某某日报"
    assert names(article, "editor", "responsible_editor") == ["王五", "泰石正"]
    assert article.paragraphs == ["正文一段。"]
    assert "footer_repeat_dropped" in codes(article)


def test_source_labels_and_credit_sentence():
    for label in ("稿件来源", "信息来源", "内容来源", "稿源"):
        article = parse_article(f"标题\n发布时间:2021-03-11 {label}:某报 要闻\n\n正文。")
        assert article.source == "某报", label
    credit = parse_article(
        "标题\n2020-05-13 14:00\n\n本文来自微信公众号:某工作室(ID:abc),作者:程雪力 周振生,摄影:程雪力\n\n"
        "正文第一段写在这里。"
    )
    assert credit.source == "某工作室"
    assert names(credit, "author") == ["程雪力", "周振生"]
    assert names(credit, "photographer") == ["程雪力"]


# 5. Authors.


def test_authors_from_bylines_datelines_and_affiliations():
    article = parse_article(
        "标题\n发布时间:2021-03-11\n本报记者 武培真\n\n"
        "新华社北京4月16日电(首席记者杨依军)正文。\n\n"
        "作者:浙江共产党员杂志记者 安佳璐;张毓强(中国传媒大学教授)"
    )
    assert names(article, "author") == ["杨依军", "武培真", "安佳璐", "张毓强"]
    bare = parse_article(
        "标题\n发布时间:2024-08-27\n\n刘金新\n\n正文写在这里，正文写在这里，正文。"
    )
    assert names(bare, "author") == ["刘金新"]


# 6. Photographers, kicker, subtitle.


def test_photographers_are_their_own_bylines():
    text = (
        "标题\n发布时间:2021-03-11\n\n正文。\n\n图为市民参观展览。（王小明 摄）\n\n"
        "这是会场。新华社记者谢环驰摄\n\n另一张图的说明。摄影：李四\n\n正文二。"
    )
    article = parse_article(text)
    assert names(article, "photographer") == ["王小明", "谢环驰", "李四"]
    assert names(article, "author") == []
    assert article.paragraphs == ["正文。", "正文二。"]
    assert "caption_found" in codes(article)


def test_three_line_headline_and_exported_headline():
    three = parse_article(
        "1957年7月20日人民日报 第3版\n\n引题一行\n主标题\n副标题一行\n本报讯 正文第一段写在这里，很长很长。"
    )
    assert (three.kicker, three.title, three.subtitle) == ("引题一行", "主标题", "副标题一行")
    dashed = parse_article("主标题\n——记一位气象工程师\n发布时间:2021-03-11\n\n正文。")
    assert (dashed.title, dashed.subtitle) == ("主标题", "——记一位气象工程师")
    exported = parse_article(
        "引题:引题文字\n主标题\n副题:——副题文字\n发布时间:2021-03-11\n\n正文。"
    )
    assert (exported.kicker, exported.title, exported.subtitle) == (
        "引题文字",
        "主标题",
        "——副题文字",
    )


# 7. Paragraphs: chrome, captions, link blocks, jumps, duplicates dropped.


def test_page_chrome_in_the_body_is_dropped_and_visits_kept():
    text = (
        "标题\n发布时间:2021-03-11 点击数:42\n【字体：大 中 小】\n\n正文一。\n\n"
        "打印 | 关闭 | 分享到\n\n扫一扫在手机打开当前页\n\n正文二。"
    )
    article = parse_article(text)
    assert article.paragraphs == ["正文一。", "正文二。"]
    assert article.visits == 42


def test_related_links_jump_lines_and_repeats_are_dropped():
    text = (
        "标题\n发布时间:2021-03-11\n\n编者按：这是编者的话。\n\n这是正文里很长的一段话。(下转第2版)\n\n"
        "(上接第1版)\n\n这是正文里很长的一段话。\n\n相关链接：\n\n另一篇报道的标题\n\n又一篇报道的标题\n\n"
        "来源:杭州日报"
    )
    article = parse_article(text)
    assert article.paragraphs == ["编者按：这是编者的话。", "这是正文里很长的一段话。"]
    assert article.source == "杭州日报"
    assert {"jump_dropped", "related_dropped", "duplicate_dropped"} <= set(codes(article))


def test_warnings_are_chinese_with_stable_codes():
    article = parse_article("404 Not Found\n标题\n\n正文。")
    for warning in article.warnings:
        assert isinstance(warning, ParseWarning)
        assert str(warning) == warning.message
        assert warning.as_dict() == {
            "code": warning.code,
            "message": warning.message,
            "line": warning.line,
        }
    assert "no_date" in codes(article)
