"""Line rules for text copied from Chinese news and government pages.

A reader's select-all copy of a page carries the site around the article:
menus, breadcrumbs, share and print buttons, counters, page lists, captions
and credits. This module says what a single line is (chrome, a metadata line,
a caption, a byline) and reads dates and labelled fields wherever a page puts
them. `importing.parser` decides from these where the title and body are.

The rules are about page furniture in general (the corpus in
tests/import/real_layouts shows the forms), never about one site.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Characters that pad and separate fields besides the ordinary space.
BLANKS = " \t\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
_B = f"[{BLANKS}]"
_BLANK_RUNS = re.compile(f"{_B}+")
_HAN = "\u4e00-\u9fff"
# Body prose ends like a sentence or a clause.
SENTENCE_END = tuple("。！？!?；;…：:，,、")
_CLOSERS = "”’」』)）》"

# --- Dates -------------------------------------------------------------------

# 2021-03-11, 2021/3/11, 2025.12.22, 2021年3月11日, with an optional weekday and
# a time whose hours and minutes need not be zero padded (9:09:12, 19:8).
_DATE = re.compile(
    rf"(?<!\d)(?P<y>(?:1[89]|20)\d\d){_B}*(?:[-/.]|年){_B}*(?P<m>\d{{1,2}}){_B}*(?:[-/.]|月)"
    rf"{_B}*(?P<d>\d{{1,2}})(?!\d){_B}*日?"
    rf"(?:{_B}*(?:星期|周)[一二三四五六日天])?"
    rf"(?:(?:{_B}*T|{_B}*)(?P<H>\d{{1,2}}){_B}*[:：时]{_B}*(?P<M>\d{{1,2}})(?!\d)"
    rf"(?:{_B}*[:：分]{_B}*(?P<S>\d{{1,2}})(?!\d)秒?)?)?"
)
_WEEKDAY = re.compile(r"(?:星期|周)[一二三四五六日天]")
# 114年01月13日: Taiwan's pages date by the Republic of China calendar (year 1 =
# 1912). Read only as a line of its own: "100年" in text is a span of years.
_ROC_DATE = re.compile(
    rf"^(?:民[國国]{_B}*)?(?P<y>\d{{2,3}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日"
    rf"(?:{_B}*(?P<H>\d{{1,2}})[:：](?P<M>\d{{1,2}})(?:[:：](?P<S>\d{{1,2}}))?)?$"
)
ROC_OFFSET = 1911


class DateError(ValueError):
    """A date that names an impossible day or time."""


def find_date(text):
    """The first date in `text` as a regex match, or None."""
    return _DATE.search(text)


def date_from_match(match):
    """(aware Asia/Shanghai datetime, time known) from a find_date match; a
    date without a time is kept at midnight and flagged as such."""
    year, month, day, hour, minute, second = match.group("y", "m", "d", "H", "M", "S")
    year = int(year) + (ROC_OFFSET if len(year) < 4 else 0)
    try:
        naive = dt.datetime(
            year, int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError as exc:
        raise DateError(str(exc)) from exc
    return naive.replace(tzinfo=SHANGHAI), hour is not None


# --- Labelled fields -----------------------------------------------------------

# Each label: (what it gives, byline kind or date rank). Date ranks: a
# publication label wins over a plain 时间/日期, an unlabelled date (rank 2)
# over a document's signing date (发文日期, 生成日期).
LABELS = {
    "发布时间": ("date", 0),
    "发布日期": ("date", 0),
    "发表时间": ("date", 0),
    "发表日期": ("date", 0),
    "发稿时间": ("date", 0),
    "时间": ("date", 1),
    "日期": ("date", 1),
    "更新时间": ("date", 1),
    "稿件日期": ("date", 1),
    "出版日期": ("date", 1),
    # 上载日期: the day a document was put online, a government page's 发布日期.
    "上载日期": ("date", 0),
    "发文日期": ("date", 3),
    "成文日期": ("date", 3),
    "生成日期": ("date", 3),
    "来源": ("source", None),
    "稿件来源": ("source", None),
    "信息来源": ("source", None),
    "内容来源": ("source", None),
    "文章来源": ("source", None),
    "新闻来源": ("source", None),
    "稿源": ("source", None),
    "本文来自微信公众号": ("source", None),
    "本文来自": ("source", None),
    "作者": ("byline", "author"),
    "撰稿人": ("byline", "author"),
    "撰稿": ("byline", "author"),
    "记者": ("byline", "author"),
    "见习记者": ("byline", "author"),
    "首席记者": ("byline", "author"),
    "特约记者": ("byline", "author"),
    "实习生": ("byline", "author"),
    "通讯员": ("byline", "author"),
    "编辑": ("byline", "editor"),
    "转载编辑": ("byline", "editor"),
    "值班编辑": ("byline", "editor"),
    "本文编辑": ("byline", "editor"),
    "责任编辑": ("byline", "responsible_editor"),
    "责编": ("byline", "responsible_editor"),
    "摄影": ("byline", "photographer"),
    "点击": ("visits", None),
    "点击数": ("visits", None),
    "点击量": ("visits", None),
    "点击率": ("visits", None),
    "浏览次数": ("visits", None),
    "浏览量": ("visits", None),
    "阅读量": ("visits", None),
    "阅读数": ("visits", None),
    "访问量": ("visits", None),
    # Traditional-character pages (big5 mirrors) use the same labels.
    "發佈時間": ("date", 0),
    "發布時間": ("date", 0),
    "發布日期": ("date", 0),
    "時間": ("date", 1),
    "來源": ("source", None),
    "稿件來源": ("source", None),
    "編輯": ("byline", "editor"),
    "責任編輯": ("byline", "responsible_editor"),
    "記者": ("byline", "author"),
    "攝影": ("byline", "photographer"),
    "引题": ("kicker", None),
    "副题": ("subtitle", None),
}
# Fields a page shows that the article has no place for: read and dropped.
IGNORED_LABELS = [
    "审核人",
    "审核",
    "审稿",
    "校对",
    "索引号",
    "组配分类",
    "信息分类",
    "主题分类",
    "发布机构",
    "发文机构",
    "发布单位",
    "文号",
    "发文字号",
    "名称",
    "关键词",
    "关键字",
    "有效性",
    "内容概述",
    "分类",
    "字号",
    "字號",
    "字体",
    "字體",
    "生效时间",
    "废止时间",
    "专栏",
    "栏目",
    "所属栏目",
    "标签",
    "题图来自",
    "原稿件标题URL",
    "原稿件标题",
    "原稿件作者",
    "原稿件来源",
    "发布者",
    "录入",
    "发布人",
    "分享到",
    "评论",
    # Credits for roles an article has no place for (a feature's planners).
    "策划",
    "统筹",
    "系列报道策划",
    "本篇统筹",
    "监制",
    "制图",
]
for _label in IGNORED_LABELS:
    LABELS.setdefault(_label, ("ignored", None))

_LABEL_ALTERNATION = "|".join(sorted(LABELS, key=len, reverse=True))
# A label stands at the start, after a blank or punctuation, or right after a
# date (时间:2020年05月26日来源:…), never inside a word (原稿件来源 is its own label).
_LABEL = re.compile(rf"(?:(?<![{_HAN}])|(?<=日))(?P<label>{_LABEL_ALTERNATION}){_B}*[:：]")
_UNKNOWN_FIELD = re.compile(rf"[{_HAN}]{{2,6}}{_B}*[:：]")
_UNKNOWN_LABEL = re.compile(rf"^(?P<label>[{_HAN}]{{2,6}}){_B}*[:：]")
ROLE_WORDS = (
    "摄影记者",
    "见习记者",
    "特约记者",
    "首席记者",
    "本报记者",
    "记者",
    "記者",
    "通讯员",
    "通訊員",
    "实习生",
)
# A byline line may also name a reporting group (中共将乐县委通讯组).
_BYLINE_WORDS = (*ROLE_WORDS, "通讯组")
# Organisations and places end with these: a line of one is a label or a
# byline, not a person.
_ORG_END = (
    "区",
    "县",
    "市",
    "镇",
    "乡",
    "省",
    "州",
    "街道",
    "社区",
    "村",
    "社",
    "局",
    "委",
    "部",
    "办",
    "厅",
    "院",
    "校",
    "中心",
    "集团",
    "公司",
    "报",
    "台",
    "网",
    "站",
    "号",
    "室",
    "刊",
    "志",
    "馆",
    "所",
    "会",
)
_PARENTHESISED = re.compile(r"[(（][^()（）]*[)）]")
_BRACKETED_LINE = re.compile(rf"^[\[【]{_B}*(?P<inner>.*?){_B}*[\]】]$")
_BULLET = re.compile(rf"^[•·●◆■▪]{_B}*")
_VISITS_AFTER = re.compile(rf"^(?P<n>\d*){_B}*次(?:浏览|阅读|点击)")
_VISITS_BEFORE = re.compile(rf"(?:浏览|阅读|点击)(?:次数|量)?{_B}*(?P<n>\d+){_B}*次?")
_PAGE_NAME = re.compile(rf"{_B}*第{_B}*\d+{_B}*版.*$")
_DOMAIN = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+(?:com|cn|net|org|gov|edu)(?:\.cn)?/?$", re.I)
MAX_FIELD_VALUE = 40
# Metadata lines are short; a line holding neither a colon nor a digit holds
# neither a label nor a date, unless its label is spaced out to a column's width.
MAX_META_LINE = 160
_MAY_BE_META = re.compile(rf"[:：\d]|[{_HAN}]{_B}{{2,}}[{_HAN}]")  # or 名        称
MAX_SITE_NAME = 24
# 政府信息公开 tables space labels out to one width (发 布 机 构, 索   引   号)
# and print no colon: squeezed, such a run is a known label.
_SPACED_LABEL = re.compile(rf"(?:^|(?<={_B}))(?:[{_HAN}]{_B}+){{1,5}}[{_HAN}](?={_B})")
# A document number: 国办公开办函〔2019〕61号, 齐政办发〔2019〕29号.
_DOCUMENT_NUMBER = re.compile(rf"^[{_HAN}]{{1,16}}[〔\[［(（]\d{{4}}[〕\]］)）]\d+号$")


@dataclass
class Meta:
    """What one metadata line says. `date` is a find_date match or None."""

    date: object = None
    date_rank: int = 9
    date_label: str = ""
    site: str = ""  # unlabelled name or domain next to an unlabelled date
    fields: list = field(default_factory=list)  # (label, value)
    visits: int | None = None
    pending_label: str = ""  # "• 发布日期:" with its value on the next line
    bad_date: str = ""  # a date label whose value holds no date

    @property
    def says_something(self):
        return bool(self.date or self.fields or self.site or self.pending_label or self.bad_date)


def _spaced_label(match):
    label = _BLANK_RUNS.sub("", match.group(0))
    return f"{label}:" if label in LABELS else match.group(0)


def clean_line(line):
    """The line without a list bullet or enclosing brackets ([ 责任编辑:X ]),
    letter-spaced labels written as labels (发 文 日 期 2019-11-29)."""
    line = _BULLET.sub("", line)
    if "  " in line or " " in line[:4]:
        line = _SPACED_LABEL.sub(_spaced_label, line)
    if match := _BRACKETED_LINE.match(line):
        line = match.group("inner")
    return line.strip(BLANKS)


def _cut_value(value):
    return value.strip(BLANKS + ",，;；、|")


def read_meta(line):
    """Read a metadata line: dates, labelled fields, a site name next to an
    unlabelled date. Returns None for anything else (body text that merely
    mentions a date or starts with 记者：)."""
    if len(line) > MAX_META_LINE or not _MAY_BE_META.search(line):
        return None  # no label and no date: most body lines stop here
    line = clean_line(line)
    matches = list(_LABEL.finditer(line))
    prefix = line[: matches[0].start()] if matches else line
    meta = Meta()
    if date := find_date(prefix) or _ROC_DATE.match(prefix):
        rest = _site_words(prefix[: date.start()] + " " + prefix[date.end() :])
        if visits := _VISITS_AFTER.match(rest):
            meta.visits = int(visits.group("n")) if visits.group("n") else None
            rest = ""
        if len(rest) > MAX_SITE_NAME or rest.endswith(SENTENCE_END) or "，" in rest:
            return None
        if "," in rest and not _DOMAIN.match(rest):
            return None
        meta.date, meta.date_rank, meta.site = date, 2, rest
    elif not matches or (
        prefix.strip(BLANKS)
        and (
            len(prefix.strip(BLANKS)) > MAX_SITE_NAME or prefix.strip(BLANKS).endswith(SENTENCE_END)
        )
    ):
        return None
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        label, value = match.group("label"), _cut_value(line[match.end() : end])
        what, rank = LABELS[label]
        if what in ("byline", "source") and _is_prose_value(value):
            return None
        if not value and len(matches) == 1 and line.endswith((":", "：")):
            # • 发布日期: with its value on the next line.
            meta.pending_label = label
        if what == "date":
            if not value:
                continue
            if found := find_date(value):
                if rank < meta.date_rank:
                    meta.date, meta.date_rank, meta.date_label = found, rank, label
                # 日期:[2018年09月13日] -- 华商报 --: an e-paper's masthead after its date.
                site = _site_words(value[: found.start()] + " " + value[found.end() :])
                if site and not meta.site and _is_site_name(site):
                    meta.site = site
            elif rank < 2:
                meta.bad_date = value
            continue
        if what == "visits":
            digits = re.match(r"\d+", value)
            meta.visits = int(digits.group(0)) if digits else meta.visits
            continue
        if what == "source":
            # 来源:对外传播2021-06-28 11:56: the date glued to the value is the page's.
            if found := find_date(value):
                if meta.date_rank > 2:
                    meta.date, meta.date_rank = found, 2
                value = _cut_value(value[: found.start()])
            value = _cut_value(_PARENTHESISED.sub("", value))
            # 稿件来源:新华每日电讯 要闻: the words after the name are the page's column.
            value = _BLANK_RUNS.split(value)[0] if value else ""
        elif what == "byline" and (found := find_date(value)):
            value = _cut_value(value[: found.start()])
        if what == "byline":
            # 责任编辑:张春 点击图片浏览下一页: page buttons after the names.
            value = " ".join(w for w in _BLANK_RUNS.split(value) if not chrome_reason(w))
        meta.fields.append((label, value))
    return meta


def _site_words(rest):
    """What stands beside a date on a date line, without weekday, page name,
    brackets and dashes; a site address next to a name gives way to the name
    (http://www.sina.com.cn  2010年02月21日11:27  南方日报)."""
    rest = _UNKNOWN_FIELD.split(_PAGE_NAME.sub("", _WEEKDAY.sub(" ", rest)))[0]
    rest = _BLANK_RUNS.sub(" ", rest).strip(BLANKS + "()（）[]【】-—")
    words = rest.split(" ")
    if len(words) > 1 and any(_DOMAIN.match(w) for w in words):
        named = [w for w in words if not _DOMAIN.match(w)]
        if named:
            rest = " ".join(named)
    return rest


def _is_site_name(text):
    return len(text) <= 12 and bool(re.fullmatch(f"[{_HAN}]+", text))


def _is_prose_value(value):
    core = _PARENTHESISED.sub("", value)
    return len(core) > MAX_FIELD_VALUE or core.endswith(SENTENCE_END) or "。" in core


def is_label_line(line):
    """Whether `line` is labelled metadata the parser reads (known labels only)."""
    meta = read_meta(line)
    return meta is not None and bool(meta.fields or meta.pending_label) and not meta.date


def unknown_label(line):
    """The label of a `标签:值` line whose label is not a known field, else ''."""
    match = _UNKNOWN_LABEL.match(clean_line(line))
    if match and match.group("label") not in LABELS:
        return match.group("label")
    return ""


# --- Names and bylines ---------------------------------------------------------

_NAME = rf"[{_HAN}]{{2,4}}(?:[·•][{_HAN}]{{1,8}})?"
_PERSON = re.compile(rf"^{_NAME}$|^[{_HAN}]{_B}[{_HAN}]{{1,2}}$")
_ROLE_ALTERNATION = "|".join(_BYLINE_WORDS)
# 本报记者 武培真, 新华社记者, 中共将乐县委通讯组 福建日报记者
_ROLE_BYLINE = re.compile(rf"^(?:[{_HAN}]{{0,12}}(?:{_ROLE_ALTERNATION})(?:{_B}+{_NAME})*{_B}*)+$")


# Endings of places and organisations that are rare at the end of a person's name.
_NOT_PERSON_END = (
    *"区县市镇乡省村局委部厅院校报网社",
    "街道",
    "社区",
    "中心",
    "集团",
    "公司",
)


def is_person_name(text):
    """A bare Chinese name: two to four characters (郑 亮 spaced), not a place
    or organisation."""
    text = text.strip(BLANKS)
    return bool(_PERSON.match(text)) and not text.endswith(_NOT_PERSON_END)


def is_org_name(text, longest=10):
    text = _PARENTHESISED.sub("", text).strip(BLANKS)
    return (
        2 <= len(text) <= longest
        and text.endswith(_ORG_END)
        and bool(re.fullmatch(f"[{_HAN}]+", text))
    )


def byline_names(line):
    """Names of a byline line standing alone (本报记者 武培真, a bare 刘金新, an
    organisation byline), as [(role, name)]; None when the line is no byline.
    A byline without a name (新华社记者) gives []."""
    line = line.strip(BLANKS)
    if is_person_name(line):
        return [("", _BLANK_RUNS.sub("", line))]
    if not _ROLE_BYLINE.match(line):
        return None
    return [(role, name) for role, name in split_names(line)]


def is_role_byline(line):
    """本报记者 武培真, 福建日报记者: a byline by its role words (a bare name is
    not one here: a short headline can look like a name)."""
    return bool(_ROLE_BYLINE.match(line.strip(BLANKS)))


def split_names(value):
    """(role, name) pairs from a byline value: role words kept apart,
    affiliations in parentheses dropped, an organisation with a role word
    (福建日报记者) kept as the organisation."""
    tokens = [t for t in re.split(rf"[{BLANKS}、,，;；/]+", _PARENTHESISED.sub(" ", value)) if t]
    pairs, role = [], ""
    for i, token in enumerate(tokens):
        if token in ROLE_WORDS:
            role = token
            continue
        word = next((w for w in ROLE_WORDS if token.endswith(w) and len(token) > len(w)), "")
        if word:
            prefix = token[: -len(word)]
            later = tokens[i + 1 :]
            if prefix in ("本报", "新华社", "新華社", "中新社", "本台") or (
                later and not any(t.endswith(ROLE_WORDS) for t in later[:1])
            ):
                # 浙江共产党员杂志记者 安佳璐: a role phrase for the names after it.
                role = word
                continue
            pairs.append((word, prefix))
            continue
        lead = next((w for w in ROLE_WORDS if token.startswith(w) and len(token) > len(w)), "")
        if lead:
            role, token = lead, token[len(lead) :]
        pairs.append((role, token))
    return pairs


# --- Captions and photographers ------------------------------------------------

_SHOT = "[摄攝]"
_CREDIT_LEAD = rf"(?:[{_HAN}]{{0,6}}(?:记者|記者|通讯员|通訊員|摄影师|摄影记者)|^|(?<=[{BLANKS}。．.，,；;！!？?：:、）)」』”’/]))"
_CREDIT_NAMES = rf"(?P<names>{_NAME}(?:(?:{_B}*[、，,]{_B}*|{_B}+){_NAME})*)"
_CREDITS = [
    # （王小明 摄） （记者 王小明摄）
    re.compile(
        rf"[（(]{_B}*(?:[{_HAN}]{{0,6}}(?:记者|記者|通讯员|通訊員))?{_B}*{_CREDIT_NAMES}{_B}*[/／]?{_B}*{_SHOT}影?{_B}*[)）]$"
    ),
    # 摄影：王小明  （摄影：王小明）
    re.compile(
        rf"(?:^|[（(]|(?<=[{BLANKS}。，,；;]))(?:摄影|攝影){_B}*[:：]{_B}*(?:记者)?{_B}*{_CREDIT_NAMES}{_B}*[)）]?$"
    ),
    # 新华社记者谢环驰摄  新華社記者 徐昱 攝  。龙巍摄  王小明 摄
    re.compile(rf"{_CREDIT_LEAD}{_B}*{_CREDIT_NAMES}{_B}*[/／]?{_B}*{_SHOT}$"),
]
# 新华社发, 上城区委宣传部供图: a picture's source, not a person.
_AGENCY_CREDIT = re.compile(rf"(?:[{_HAN}]{{2,6}}社发|供图|图片来源[:：].*|资料图片?)[)）]?$")
_CAPTION_OPENER = re.compile(r"^(?:图为|[上下左右]图|组图|题图|图[:：]|图片[:：]|图注)")
# 拍摄, 所摄: a sentence about taking pictures, not a credit.
_NOT_A_NAME_END = tuple("拍所被为航合偷抓自")


def photo_credit(line):
    """Photographer names credited at the end of a caption line, or None when
    the line carries no photographer credit."""
    if "摄" not in line and "攝" not in line:
        return None
    for form in _CREDITS:
        if match := form.search(line):
            names = [
                n
                for n in re.split(rf"[{BLANKS}、，,]+", match.group("names"))
                if n and not n.endswith(_NOT_A_NAME_END)
            ]
            if names:
                return names
    return None


def is_caption(line):
    """A photo caption: opens like one (图为…) or ends with a credit."""
    return bool(
        _CAPTION_OPENER.match(line)
        or (line[-1:] in "发图片)）" and _AGENCY_CREDIT.search(line))
        or "图片来源" in line
        or photo_credit(line)
    )


# --- Chrome --------------------------------------------------------------------

_CHROME_EXACT = {
    "en",
    "eng",
    "english",
    "返回",
    "返回顶部",
    "返回首页",
    "返回列表",
    "打印",
    "关闭",
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "分享",
    "分享到",
    "朋友圈",
    "微信",
    "微博",
    "投稿",
    "首页",
    "暂无图片",
    "上一篇",
    "下一篇",
    "收藏",
    "点赞",
    "评论",
    "二维码",
    "手机版",
    "繁体",
    "简体",
}
# Phrases that only page furniture uses; checked on short lines.
_CHROME_PHRASES = (
    "设为首页",
    "加入收藏",
    "收藏本站",
    "联系我们",
    "关于我们",
    "版权所有",
    "版权声明",
    "ICP",
    "公网安备",
    "许可证",
    "友情链接",
    "点击图片浏览",
    "浏览器分享",
    "点击右上角",
    "微信好友",
    "加载中",
    "无响应",
    "扫一扫",
    "手机打开",
    "手机看",
    "正在阅读",
    "电子报",
    "数字报",
    "欢迎浏览",
    "欢迎访问",
    "官方微博",
    "APP下载",
    "下载APP",
    "Not Found",
    "nginx",
    # Skip links for screen readers (跳到主要内容, 跳转到正文内容).
    "跳到主要",
    "跳转到",
    "跳过导航",
    "跳過導航",
    # E-paper page navigation (当前版: A4版 上一版  下一版).
    "上一版",
    "下一版",
    "转发此文",
)
_CHROME_PHRASE = re.compile("|".join(map(re.escape, _CHROME_PHRASES)))
_CHROME_FORMS = [
    re.compile(rf"^(?:您|你)?(?:当前|现在)?(?:所在)?的?位置{_B}*[:：]"),  # breadcrumbs
    re.compile(rf"^[\[【]?{_B}*(?:字体|字號|字号|字體){_B}*[:：]"),  # 【字体：大 中 小】
    re.compile(rf"^\d{{1,2}}{_B}*版{_B}*[:：]"),  # e-paper page list: 01版:要闻
    re.compile(rf"^第{_B}*\d+{_B}*版{_B}*(?:[(（].*[)）])?$"),  # 第3版()
    re.compile(r"^(?:https?://|www\.)\S+$", re.I),
    re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.I),  # 101.jpg
    re.compile(rf"^[^{_HAN}A-Za-z]+$"),  # stray symbols and counters: "- +1", ":", "\"
    re.compile(rf"(?:{_B}+(?:更多|more)|更多{_B}*(?:>>|»|＞＞))$", re.I),  # 热点追踪 更多
    # A truncated link title: short, no sentence before the dots.
    re.compile(rf"^[^。！？!?]{{1,28}}(?:\.\.\.|…)(?:{_B}*\d{{1,2}}[/-]\d{{1,2}})?$"),
    re.compile(rf"{_B}\d{{1,2}}[/-]\d{{1,2}}$"),  # link list with MM/DD dates
]
_LINK_LABEL = re.compile(
    rf"^[\[【]?(?:相关阅读|相关链接|延伸阅读|相关新闻|相关报道|推荐阅读|相关文章|"
    rf"点击查看[^:：]{{0,12}}|更多精彩[^:：]{{0,8}}){_B}*[\]】]?{_B}*[:：]?$"
)
_JUMP = re.compile(
    rf"[(（]{_B}*(?:下转|上接|转|接)(?:第)?{_B}*[\d一二三四五六七八九十]+{_B}*版{_B}*[)）]"
)
MAX_CHROME_LINE = 60
# Leftovers of a page's markup (Untitled Document, logo, Powered By Google): a
# short line of Latin words alone; a Chinese article's headline is never that.
_LATIN_ONLY = re.compile(r"^[A-Za-z][A-Za-z .&'-]{0,30}$")
_COPYRIGHT = ("©", "版权所有", "opyright", "OPYRIGHT")


def chrome_reason(line):
    """Why `line` is page furniture rather than article text, or ''."""
    if len(line) > MAX_CHROME_LINE * 2:
        return ""
    squeezed = _BLANK_RUNS.sub("", line)
    if squeezed.lower() in _CHROME_EXACT:
        return "按钮或菜单"
    if len(line) <= MAX_CHROME_LINE and _CHROME_PHRASE.search(line):
        return "页面杂项"
    if _LATIN_ONLY.match(line):
        return "页面杂项"
    if any(mark in line for mark in _COPYRIGHT):
        return "版权声明"
    if line.startswith(("·", "•", "●")) and not is_label_line(line):
        return "链接列表"
    bars = line.count("|") + line.count("｜")
    if bars >= 2 or line.startswith(("|", "｜")) or line.endswith(("|", "｜")):
        return "菜单"
    if bars == 1:
        left, right = re.split("[|｜]", line)
        if len(left.strip(BLANKS)) <= 6 and len(right.strip(BLANKS)) <= 6:
            return "菜单"
    words = [w for w in _BLANK_RUNS.split(line) if w]
    if len(words) >= 5 and all(len(w) <= 6 for w in words) and not ends_like_prose(line):
        return "菜单"
    arrows = line.count(">") + line.count("＞") + line.count("»")
    if arrows >= 2 or (arrows and line.startswith("首页")):
        return "导航路径"
    if len(line) <= MAX_CHROME_LINE:
        for form in _CHROME_FORMS:
            if form.search(line):
                # A date alone is a signature's date or a date line, not chrome.
                return "" if is_date_only(line) else "页面杂项"
        if _DOMAIN.match(line):
            return "网址"
    return ""


def is_link_label(line):
    """相关阅读:, 延伸阅读, 点击查看活动专题: — link titles follow."""
    return bool(_LINK_LABEL.match(line))


def strip_jumps(line):
    """The line without its jump marks ((下转第2版), (上接第1版))."""
    return _JUMP.sub("", line).strip(BLANKS)


def is_jump_line(line):
    return bool(_JUMP.search(line)) and not strip_jumps(line)


# --- Body text shapes ------------------------------------------------------------

_NUMBERED = re.compile(
    rf"^(?:第[一二三四五六七八九十百\d]+[章节部篇条]|[一二三四五六七八九十]+[、.．]|"
    rf"[(（][一二三四五六七八九十\d]+[)）]|\d+(?:\.\d+)*[{BLANKS}、.．])"
)
_KEYWORD_LIST = re.compile(r"^[^,，。:：]{1,16}(?:[;；][^,，。:：;；]{1,16}){2,}$")
_TAGGED = re.compile(r"^【[^】]{1,8}】")


def ends_like_prose(line):
    """Ends like a sentence, also inside closing quotes (…伤身体。”)."""
    core = line.rstrip(_CLOSERS + BLANKS)
    return line.endswith(SENTENCE_END) or core.endswith(SENTENCE_END) or line.endswith("——")


def starts_numbered(line):
    """第一章, 一、, （一）, 1 : numbering opens a new heading."""
    return bool(_NUMBERED.match(line))


def is_keyword_list(line):
    """社会治理;社区动员;创建全国文明城区: a keyword list, body text."""
    return bool(_KEYWORD_LIST.match(line))


def is_tagged_text(line):
    """【内容提要】…, 【关键词】…: a labelled body paragraph."""
    return bool(_TAGGED.match(line))


def is_parenthesised(line):
    return line[:1] in "(（" and line[-1:] in ")）"


def is_document_number(line):
    """国办公开办函〔2019〕61号: a government document's number, body text."""
    return bool(_DOCUMENT_NUMBER.match(line))


def is_date_only(line):
    match = find_date(line)
    return (
        bool(match)
        and not line[: match.start()].strip(BLANKS)
        and not line[match.end() :].strip(BLANKS)
    )


def is_label(line, max_length=10):
    """A label line standing before a heading: an organisation or place
    (人民日报社:, 上城区, 高新区(滨江)), optionally with a colon."""
    core = line.rstrip(":：").strip(BLANKS)
    return is_org_name(core, max_length) and len(_PARENTHESISED.sub("", core)) <= max_length
