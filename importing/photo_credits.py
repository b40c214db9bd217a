"""Read a photo's caption line: is it a caption, and who took the picture.

Chinese papers print the photographer after the caption in a few set forms,
all recognised at the end of the line (or as the whole line):

- ``王小明 摄``, ``王小明/摄``, ``记者 王小明 摄``, ``通讯员 王小明 摄``
- ``（王小明 摄）``, ``(王小明 摄)``, ``（记者 王小明摄）``
- ``摄影：王小明``, ``（摄影：王小明）``, ``图/本报记者 王小明``
- ``上城区委宣传部供图``, ``（上城区委宣传部 供图）``: not a photographer
  but where the picture came from (Image.source)

A role word (记者, 通讯员 …) is kept in the credit: the image has no field
of its own for it, and Image.credit_line then prints it as the paper did
(记者 王小明 摄). Several names need 、 or ， between them, or a role word in
front ("记者 李婷婷 孙钥 摄"): without one, a space-separated run of short
words is as likely the end of the caption (图为 市民游客 王小明 摄).

Which line is a caption (`reads_as_caption`): the line right below a photo
(blank lines between them do not count) when

1. it opens like a caption: 图为, 上图/下图/左图/右图, 组图, 题图, 图：, 图片：, 图注; or
2. it carries a credit in one of the forms above; or
3. it is short (at most 60 characters) and does not end like body prose
   (。！？；… , the parser's sentence ends).

A line the parser gives another meaning is never a caption: a 发布时间 line,
footer fields (来源：…), a district name, another photo. Rule 3 also takes a
heading that comes right after a photo, unmarked: a picture is followed by its
caption far more often than by a bare sub-heading, and a Word file can say
which it means with a heading style (Heading 1-4 / 标题 n), which always wins.
"""

import re
from dataclasses import dataclass

from .parser import BLANKS, is_date_line, is_sentence_end, photo_number, split_fields

MAX_CAPTION_LINE = 60

_B = f"[{BLANKS}]"
_ROLE = r"(?:本报|本台|特约)?(?:见习记者|首席记者|特约记者|记者|通讯员|实习生|摄影记者|摄影师)"
# Chinese names are two to four characters; a foreign name in Chinese may
# carry a middle dot.
_NAME = r"[\u4e00-\u9fff]{2,4}(?:[·•][\u4e00-\u9fff]{1,8})?"
_LISTED = rf"{_NAME}(?:{_B}*[、，,]{_B}*{_NAME})*"
_SPACED = rf"{_NAME}(?:{_B}+{_NAME})*"
# A role word allows space-separated names; without one, only listed names.
_WHO = rf"(?:(?P<role>{_ROLE}){_B}*(?P<names_after_role>{_SPACED}|{_LISTED})|(?P<names>{_LISTED}))"
# Before a credit: the line's start, a blank, or punctuation ending the caption.
_BOUNDARY = rf"(?:^|(?<={_B})|(?<=[。．.，,；;！!？?：:、）)」』”’]))"
_OPEN, _CLOSE = "[（(]", "[）)]"

_CREDIT_FORMS = [
    # （王小明 摄） (王小明摄) （记者 王小明 摄）
    re.compile(rf"{_OPEN}{_B}*{_WHO}{_B}*[/／]?{_B}*摄(?:影)?{_B}*{_CLOSE}$"),
    # 摄影：王小明  （摄影：记者 王小明）  图/王小明
    re.compile(rf"(?:{_OPEN}|{_BOUNDARY}){_B}*(?:摄影|图){_B}*[:：/／]{_B}*{_WHO}{_B}*{_CLOSE}?$"),
    # 王小明 摄  王小明/摄  记者 王小明摄: a blank or slash before 摄 unless a
    # role word makes plain that a name comes (a line ending in 拍摄 is prose).
    re.compile(rf"{_BOUNDARY}{_WHO}(?:{_B}*[/／]{_B}*|{_B}+)摄$"),
    re.compile(rf"{_BOUNDARY}(?P<role>{_ROLE}){_B}*(?P<names_after_role>{_SPACED}|{_LISTED})摄$"),
]
# 上城区委宣传部供图, （杭州市文明办 供图）: a source, not a person.
_SUPPLIED = re.compile(
    rf"(?:{_OPEN}|{_BOUNDARY}){_B}*(?P<source>[^{BLANKS}（()）。，,；;]{{2,30}}?){_B}*供图{_B}*{_CLOSE}?$"
)
_CAPTION_OPENERS = re.compile(rf"^(?:图为|[上下左右]图|组图|题图|图片?{_B}*[:：]|图注)")
# 图：… names the line as a caption and is no part of it (图为… is: "shown is").
_CAPTION_LABEL = re.compile(rf"^(?:图片?|图注){_B}*[:：]{_B}*")
_TRAILING_PUNCTUATION = f"{BLANKS}，,：:、/／—-"


@dataclass(frozen=True)
class Caption:
    """A caption line taken apart: the text, who took the photo, where it came from."""

    text: str
    credit: str = ""
    source: str = ""


def split_credit(line):
    """Take the photographer (or 供图 source) off the end of a caption line.
    "图为游客参观（记者 王小明 摄）" -> Caption("图为游客参观", "记者 王小明")."""
    line = line.strip(BLANKS)
    for form in _CREDIT_FORMS:
        if match := form.search(line):
            role = match.group("role") or ""
            names = match.group("names_after_role") or match.group("names") or ""
            names = re.sub(rf"{_B}+", " ", names)
            credit = f"{role} {names}" if role else names
            return Caption(_rest(line, match.start()), credit=credit)
    if match := _SUPPLIED.search(line):
        return Caption(_rest(line, match.start()), source=match.group("source").strip(BLANKS))
    return Caption(_rest(line, len(line)))


def _rest(line, end):
    return _CAPTION_LABEL.sub("", line[:end].rstrip(_TRAILING_PUNCTUATION))


def reads_as_caption(line, district_labels=frozenset(), normalize=lambda s: s, loose=True):
    """Whether `line`, right below a photo, is that photo's caption (see the
    module's docstring for the rule). Without `loose`, rule 3 (a short line)
    does not apply: below a photo above the title is the title."""
    line = line.strip(BLANKS)
    if (
        not line
        or photo_number(line) is not None
        or is_date_line(line)
        or split_fields(line)
        or normalize(line) in district_labels
    ):
        return False
    if _CAPTION_OPENERS.match(line):
        return True
    caption = split_credit(line)
    if caption.credit or caption.source:
        return True
    return loose and len(line) <= MAX_CAPTION_LINE and not is_sentence_end(line)
