"""Chinese typesetting for display: the stored text is never changed.

Source files often type ASCII punctuation between Chinese characters
(上城区、江干区、高新区(滨江)坚决贯彻…,纷纷部署…). Chinese typesetting uses the
full-width forms there, so pages render `, ; : ! ? ( )` that stand between
Chinese text as `，；：！？（）`. ASCII between Latin letters or digits (07:23:49,
"Python: 3.11") is left alone.
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


def fullwidth_punctuation(text):
    """Return `text` with ASCII punctuation between Chinese text made full-width."""
    if not text:
        return text
    text = _PARENS.sub(
        lambda m: f"（{m.group(1) if m.group(1) is not None else m.group(2)}）", text
    )
    return _AFTER_HAN.sub(lambda m: _MARKS[m.group(0)], text)
