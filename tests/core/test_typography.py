"""Display punctuation follows Chinese typesetting without touching Latin text."""

import pytest

from core.typography import fullwidth_punctuation


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        ("历史,是中国共产党", "历史，是中国共产党"),
        ("标杆;学思践悟", "标杆；学思践悟"),
        ("包括:“我在高新学党史”", "包括：“我在高新学党史”"),
        ("高新区(滨江)坚决", "高新区（滨江）坚决"),
        ("高新区(滨江)", "高新区（滨江）"),
        ("专题活动,24项重点举措", "专题活动，24项重点举措"),
        ("真的吗?是的!", "真的吗？是的！"),
        ("“课程表”——3月5日,高新区", "“课程表”——3月5日，高新区"),
    ],
)
def test_ascii_between_chinese_becomes_full_width(source, rendered):
    assert fullwidth_punctuation(source) == rendered


@pytest.mark.parametrize(
    "text",
    [
        "07:23:49",
        "Python 3.11, Django 5.2",
        "f(x) = 1",
        "A:B",
        "2021-03-11 07:23",
        "www.example.cn:8000",
    ],
)
def test_latin_and_numbers_are_left_alone(text):
    assert fullwidth_punctuation(text) == text
