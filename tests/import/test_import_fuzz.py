"""Whatever the bytes, the importer ends with a message, never a traceback or a
half-written article."""

import io

from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles.models import Article, ArticleSection

FUZZ_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Lines that look like the seed's, to reach deep into the parser.
plausible_line = st.one_of(
    st.sampled_from(
        [
            "返 回",
            "上城区",
            "高新区（滨江）",
            "以“八学八新”推动",
            "发布时间:2021-03-11 07:23:49",
            "发布时间：2021-02-30",
            "时间:2021年3月11日",
            "来源:杭州日报   作者:记者 李婷婷 孙钥   编辑:高婷婷",
            "记者：你们怎么做？",
            "杭州日报讯中国共产党的历史,是一曲壮歌。",
            "“五学五争”,即学一,争一;学二,争二;学三,争三;学四,争四;学五,争五。",
            "奋斗百年路 启航新征程",
            "",
        ]
    ),
    st.text(max_size=60),
)
plausible_text = st.lists(plausible_line, max_size=14).map("\n".join)


def import_data(tmp_path, data):
    path = tmp_path / "fuzz.txt"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", str(path), "--suggest-programmes", stdout=out, stderr=err)
    except CommandError:
        assert f"{path}:" in err.getvalue(), err.getvalue()


def assert_no_partial_articles():
    for article in Article.objects.all():
        assert article.title
        assert ArticleSection.objects.filter(article=article).exclude(body="").exists()
        assert article.imported_fingerprint


@FUZZ_SETTINGS
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes(districts, tmp_path, data):
    import_data(tmp_path, data)
    assert_no_partial_articles()


@FUZZ_SETTINGS
@given(text=st.text(max_size=300), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_arbitrary_text(districts, tmp_path, text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    import_data(tmp_path, data)
    assert_no_partial_articles()


@FUZZ_SETTINGS
@given(text=plausible_text, newline=st.sampled_from(["\n", "\r\n", "\r"]))
# Found by this test: a date line past the lines the head scan classified.
@example(
    text="“五学五争”,即学一,争一;学二,争二;学三,争三;学四,争四;学五,争五。\n返 回\n返 回\n返 回\n"
    "发布时间:2021-03-11 07:23:49",
    newline="\n",
)
def test_seed_like_text(districts, tmp_path, text, newline):
    import_data(tmp_path, text.replace("\n", newline).encode("utf-8"))
    assert_no_partial_articles()
