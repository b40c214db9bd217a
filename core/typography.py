"""Chinese typesetting for display: the stored text is never changed.

Source files often type ASCII punctuation between Chinese characters
(上城区、江干区、高新区(滨江)坚决贯彻…,纷纷部署…). Chinese typesetting uses the
full-width forms there, so pages render `, ; : ! ? ( )` that stand between
Chinese text as `，；：！？（）`. ASCII between Latin letters or digits (07:23:49,
"Python: 3.11") is left alone.

Quotes inside quotes take the other mark, as Chinese typesetting nests them:
“七大“课程”” reads “七大‘课程’”, and a third level goes back to “…”.

Every change is one character for one character, so a caller may typeset a
run of text that spans several HTML text nodes and cut the result back at the
same offsets (core.typesetting does).
"""

import re

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese text on the left: characters, and closing marks that end Chinese runs.
_LEFT = rf"[{_HAN}”’」』》〉）】〕]"
# What may follow a full-width mark: Chinese, opening marks, digits, end of text.
_RIGHT = rf"(?=[{_HAN}“‘「『《〈（【〔\d]|$)"
_MARKS = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_AFTER_HAN = re.compile(rf"(?<={_LEFT})[,;:!?]{_RIGHT}")
# A parenthesised aside beside or inside Chinese text: 高新区(滨江), (记者 张三).
_PARENS = re.compile(rf"\(([^()]*[{_HAN}][^()]*)\)|(?<=[{_HAN}])\(([^()]*)\)(?=[{_HAN}])")
# Anything that could need a change: checked first, so most text costs one search.
_CANDIDATE = re.compile(r"[,;:!?(“‘]")

_QUOTES = re.compile("[“”‘’]")
_OPENERS = {"“": "”", "‘": "’"}
_OTHER = {"“": "‘", "‘": "“"}
_LATIN = re.compile(r"[A-Za-z]")


def fullwidth_punctuation(text):
    """Return `text` with ASCII punctuation between Chinese text made full-width
    and quotes nested inside quotes given the other mark."""
    if not text or not _CANDIDATE.search(text):
        return text
    text = _PARENS.sub(
        lambda m: f"（{m.group(1) if m.group(1) is not None else m.group(2)}）", text
    )
    text = _AFTER_HAN.sub(lambda m: _MARKS[m.group(0)], text)
    return nest_quotes(text)


def nest_quotes(text):
    """“…“…”…” → “…‘…’…”: a quote opened inside another takes the other mark
    than the quote around it, at any depth (“…‘…“…”…’…”).

    Only well-formed text is changed: a closing mark with nothing open, a pair
    whose marks differ (“…’) or a quote left open leaves the text as it is,
    since guessing which mark was meant could make it worse. A ’ between two
    Latin letters is an apostrophe (Xi’an), not a quote."""
    if text.count("“") + text.count("‘") < 2:
        return text  # nothing can be nested
    stack = []  # [position, writer's mark, mark to use] of each open quote
    changes = []  # (open position, close position, pair to use)
    for match in _QUOTES.finditer(text):
        mark, position = match.group(), match.start()
        if mark in _OPENERS:
            # The outermost quote keeps the writer's mark (‘…’ at the top is a choice).
            use = mark if not stack else _OTHER[stack[-1][2]]
            stack.append((position, mark, use))
            continue
        if mark == "’" and _is_apostrophe(text, position):
            continue
        if not stack or _OPENERS[stack[-1][1]] != mark:
            return text
        opened, written, use = stack.pop()
        if use != written:
            changes.append((opened, position, use))
    if stack or not changes:
        return text
    chars = list(text)
    for opened, closed, use in changes:
        chars[opened], chars[closed] = use, _OPENERS[use]
    return "".join(chars)


def _is_apostrophe(text, position):
    return (
        0 < position < len(text) - 1
        and _LATIN.match(text[position - 1]) is not None
        and _LATIN.match(text[position + 1]) is not None
    )
