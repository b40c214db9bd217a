"""export_articles gives the content back; importing an export gives it again."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article

VARIANTS = {
    "date-only": "标题甲\n发布日期：2021年3月11日\n\n　　第一段。\n\n　　第二段。\n\n来源：杭州日报",
    "footer-any-order": (
        "标题乙\n时间: 2021/3/11 7:23\n\n本报讯（记者 李婷婷）近日，上城区召开会议。\n\n"
        "编辑：高婷婷\u3000作者：记者 李婷婷、孙钥\u3000来源：杭州日报"
    ),
    "roles": "标题丙\n发布时间:2021-03-11 07:23\n\n正文。\n\n记者:李婷婷 通讯员:王一 责任编辑:周三",
    "districts-and-headings": (
        "标题丁\n发布时间:2021-03-11\n\n导语。\n\n高新区（滨江）\n\n开设七大“课程”\n\n落实党史学习教育\n\n"
        "正文一。\n\n江干区\n\n正文二。\n\n来源:杭州日报\n奋斗百年路 启航新征程\n不忘初心 牢记使命"
    ),
    "source-on-date-line": "标题戊\n发布时间：2021-03-11 07:23:49　来源：杭州日报\n\n正文。",
    "no-date": "标题己\n\n正文。\n\n作者:记者 李婷婷",
    "no-footer": "标题庚\n发布时间:2021-03-11\n\n新华社杭州3月10日电 第一段。\n\n第二段。",
    "headline-in-parts-and-photographer": (
        "党史学习教育进行时\n标题辛\n——百名书记走上讲台\n发布时间:2021-03-11 07:23\n\n正文。\n\n"
        "来源:杭州日报   作者:记者 李婷婷   摄影:王小明"
    ),
}


def content_of(article):
    """Everything an import sets, in comparable form."""
    return {
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "published_at": article.published_at,
        "published_time_known": article.published_time_known,
        "source": article.source,
        "dateline": article.dateline,
        "slogan": article.closing_slogan,
        "bylines": [(b.kind, b.role, b.name) for b in article.bylines.all()],
        "sections": [
            (s.district_id, s.district_label, s.heading, s.paragraphs)
            for s in article.sections.all()
        ],
        "districts": sorted(d.pk for d in article.districts.all()),
    }


def import_path(path):
    call_command("import_articles", str(path), verbosity=0)


def export_text(tmp_path):
    out = tmp_path / "export"
    call_command("export_articles", "--format", "text", "--out", str(out), verbosity=0)
    return out


def round_trip(tmp_path, source_file):
    import_path(source_file)
    before = [content_of(a) for a in Article.objects.order_by("title")]
    exported = export_text(tmp_path)
    Article.objects.all().delete()
    import_path(exported)
    after = [content_of(a) for a in Article.objects.order_by("title")]
    return before, after


def test_seed_round_trip(districts, seed_path, tmp_path):
    before, after = round_trip(tmp_path, seed_path)
    assert before == after
    assert len(after[0]["sections"]) == 4


def test_seed_export_reads_like_the_seed(districts, seed_path, tmp_path):
    import_path(seed_path)
    text = next(export_text(tmp_path).glob("*.txt")).read_text(encoding="utf-8")
    original = seed_path.read_text(encoding="utf-8")
    assert text.startswith(
        "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程\n发布时间:2021-03-11 07:23:49\n"
    )
    assert text.endswith(
        "来源:杭州日报   作者:记者 李婷婷 孙钥 孟娇   编辑:高婷婷\n奋斗百年路 启航新征程"
    )
    for paragraph in Article.objects.get().sections.get(position=1).paragraphs:
        assert paragraph in original and paragraph in text


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_round_trip(districts, tmp_path, name):
    source = tmp_path / f"{name}.txt"
    source.write_text(VARIANTS[name], encoding="utf-8")
    before, after = round_trip(tmp_path, source)
    assert before == after


def test_gb18030_crlf_variant_round_trip(districts, seed_path, tmp_path):
    source = tmp_path / "gb.txt"
    source.write_bytes(
        seed_path.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030")
    )
    before, after = round_trip(tmp_path, source)
    assert before == after


def test_json_export_shape(content):
    out = io.StringIO()
    call_command("export_articles", "--format", "json", stdout=out)
    [article] = json.loads(out.getvalue())
    assert article["title"] == "上城江干滨江动员部署党史学习教育——以昂扬姿态开启奋斗新征程"
    assert article["slug"] == Article.objects.get().slug
    assert article["url"] == Article.objects.get().get_absolute_url()
    assert article["published_at"] == "2021-03-11T07:23:49+08:00"
    assert article["source"] == "杭州日报"
    assert article["authors"] == ["李婷婷", "孙钥", "孟娇"]
    assert article["editor"] == "高婷婷"
    assert len(article["paragraphs"]) == 19 and article["paragraphs"][0].startswith("杭州日报讯")
    assert article["headings"] == [
        "以“五学五争”开展党史学习教育",
        "以“八学八新”推动党史学习教育走深走实",
        "开设七大“课程”落实党史学习教育",
    ]
    assert article["districts"] == ["上城区", "江干区", "高新区(滨江)"]
    assert "党史学习教育" in article["tags"]
    assert article["slogan"] == "奋斗百年路 启航新征程"
    assert article["status"] == "published"


def test_json_export_to_a_folder_and_null_dates(districts, tmp_path):
    source = tmp_path / "nodate.txt"
    source.write_text(VARIANTS["no-date"], encoding="utf-8")
    import_path(source)
    call_command("export_articles", "--format", "json", "--out", str(tmp_path / "out"), verbosity=0)
    [article] = json.loads((tmp_path / "out" / "articles.json").read_text(encoding="utf-8"))
    assert article["published_at"] is None
    assert article["authors"] == ["李婷婷"] and article["editor"] == ""


def test_text_export_needs_a_folder(db):
    with pytest.raises(CommandError, match="--out"):
        call_command("export_articles", "--format", "text")


def test_a_headline_in_parts_and_a_photographer_survive_the_round_trip(districts, tmp_path):
    source = tmp_path / "parts.txt"
    source.write_text(VARIANTS["headline-in-parts-and-photographer"], encoding="utf-8")
    before, after = round_trip(tmp_path, source)
    assert before == after
    (article,) = after
    assert (article["kicker"], article["title"], article["subtitle"]) == (
        "党史学习教育进行时",
        "标题辛",
        "——百名书记走上讲台",
    )
    assert ("photographer", "", "王小明") in article["bylines"]
    assert ("author", "记者", "李婷婷") in article["bylines"]
