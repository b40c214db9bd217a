"""Find programme slogans enumerated the way Chinese government texts write them.

    “五学五争”，即A；B；C；D；E。
    要做到“八学八新”，即A；B；…；G和H。
    这七门“课”包括：A、B、…和C。

A slogan whose name carries a numeral (五学五争, 七门) must list exactly that many
items, otherwise nothing is suggested: the finder never guesses.
"""

import re
from dataclasses import dataclass, field

NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
NUMERALS.update({"九": 9, "十": 10})
_NUMERAL = "[一二两三四五六七八九十]"

_NAMED_LIST = re.compile(r"“(?P<name>[^“”]{2,12})”[,，]?\s*即[:：]?(?P<body>[^。]+)。")
_COUNTED_LIST = re.compile(
    rf"(?P<count>{_NUMERAL}{{1,2}})(?P<measure>[门项个大条])"
    r"(?P<noun>“[^“”]{1,6}”|[\u4e00-\u9fff]{1,4}?)包括[:：](?P<body>[^。]+)。"
)
_OPENING = "“‘「『《（("
_CLOSING = "”’」』》）)"
MAX_ITEM_LENGTH = 60


@dataclass
class Enumeration:
    name: str
    items: list[str] = field(default_factory=list)


def chinese_number(text):
    """五 -> 5, 十二 -> 12; None when `text` is not a small Chinese numeral."""
    if not text or any(ch not in NUMERALS for ch in text):
        return None
    if len(text) == 1:
        return NUMERALS[text]
    if text[0] == "十":
        return 10 + NUMERALS[text[1]]
    if text[-1] == "十":
        return NUMERALS[text[0]] * 10
    return None


def split_outside_quotes(text, separators):
    """Split on any of `separators`, but not inside quotation marks or brackets."""
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _split_last_on_he(items, expected):
    """The last two items are joined by 和 (A、B和C). Split there only when that
    gives the expected count: at a 和 outside quotes, preferring one followed by
    the prefix the other items share (学深悟透…和学深悟透…)."""
    if expected is None or len(items) != expected - 1 or not items:
        return items
    last = items[-1]
    candidates = [i for i, ch in enumerate(last) if ch == "和" and _depth_at(last, i) == 0]
    prefix = _common_prefix(items[:-1])
    if prefix:
        candidates = [i for i in candidates if last.startswith(prefix, i + 1)] or candidates
    for i in reversed(candidates):
        left, right = last[:i].strip(), last[i + 1 :].strip()
        if left and right:
            return [*items[:-1], left, right]
    return items


def _depth_at(text, index):
    depth = 0
    for ch in text[:index]:
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(depth - 1, 0)
    return depth


def _common_prefix(items):
    if len(items) < 2:
        return ""
    prefix = items[0]
    for item in items[1:]:
        while not item.startswith(prefix):
            prefix = prefix[:-1]
    return prefix if len(prefix) >= 2 else ""


def _valid(items, expected):
    if len(items) < 2 or any(len(item) > MAX_ITEM_LENGTH for item in items):
        return False
    return expected is None or len(items) == expected


def find_enumerations(paragraphs, heading=""):
    """Return the enumerated slogans found in `paragraphs`, in text order."""
    found = []
    for paragraph in paragraphs:
        for match in _NAMED_LIST.finditer(paragraph):
            name = match.group("name")
            expected = chinese_number(name[0]) if name[0] in NUMERALS else None
            items = split_outside_quotes(match.group("body"), ";；")
            items = _split_last_on_he(items, expected)
            if _valid(items, expected):
                found.append(Enumeration(name=name, items=items))
        for match in _COUNTED_LIST.finditer(paragraph):
            count = match.group("count")
            expected = chinese_number(count)
            items = split_outside_quotes(match.group("body"), "、;；")
            items = _split_last_on_he(items, expected)
            if not _valid(items, expected):
                continue
            found.append(Enumeration(name=_counted_name(match, heading), items=items))
    return found


def _counted_name(match, heading):
    """Name a counted list after the heading's wording when it has one
    (开设七大“课程” -> 七大“课程”), else after the sentence (七门“课”)."""
    count = match.group("count")
    in_heading = re.search(rf"{count}大“[^“”]{{1,6}}”", heading or "")
    if in_heading:
        return in_heading.group(0)
    return f"{count}{match.group('measure')}{match.group('noun')}"
