"""`manage.py check_media` reports missing files, unused documents and images,
and images without alternative text; it exits 1 when a file is missing. Each
media app registers its own checks in core.media_checks; the command runs
them all."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleSection
from core import media_checks
from core.richtext import figure_html
from documents import usage
from images import usage as image_usage
from images.models import Image
from tests.images.conftest import make_image, picture_bytes

pytestmark = pytest.mark.django_db

# In the order the apps register their checks (INSTALLED_APPS: images, documents).
SECTION_KEYS = [
    "missing_images",
    "unused_images",
    "images_without_alt",
    "missing_documents",
    "unused_documents",
]


def _run(*args):
    out = StringIO()
    call_command("check_media", *args, stdout=out)
    return out.getvalue()


def _report():
    """The --json report, whatever the exit status."""
    out = StringIO()
    try:
        call_command("check_media", "--json", stdout=out)
    except CommandError as error:
        assert error.returncode == 1
    return json.loads(out.getvalue())


def _titles(report, key):
    return [item["title"] for item in report["sections"][key]["items"]]


def _image(title, **fields):
    return make_image(picture_bytes(color=(len(title) * 20 % 255, 80, 120)), title=title, **fields)


def _article(title="动员部署", **fields):
    return Article.objects.create(title=title, **fields)


def _show_in_body(article, image):
    section = ArticleSection.objects.create(article=article, position=0, body="<p>参观展馆。</p>")
    section.body += figure_html(image.pk)
    section.save()
    return section


# Documents


def test_all_present_exits_cleanly_and_lists_unused(make_document):
    document = make_document(title="未引用的方案")
    output = _run()
    assert "文件缺失的附件：0" in output
    assert "未被使用的附件：1" in output and f"#{document.pk} 未引用的方案" in output


def test_used_documents_are_not_reported_unused(make_document, monkeypatch):
    make_document()
    monkeypatch.setattr(usage, "_finders", [lambda d: [("稿件", "/a/")]])
    assert "未被使用的附件：0" in _run()


def test_missing_file_is_reported_in_json_and_exits_1(make_document):
    kept = make_document(title="完好的附件")
    lost = make_document(title="丢失的附件")
    lost.file.storage.delete(lost.file.name)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_media", "--json", stdout=out)
    assert caught.value.returncode == 1
    report = json.loads(out.getvalue())
    assert report["missing"] is True
    missing = report["sections"]["missing_documents"]
    assert missing["severity"] == "missing" and missing["count"] == 1
    assert [d["title"] for d in missing["items"]] == ["丢失的附件"]
    assert missing["items"][0]["url"] == lost.get_absolute_url()
    unused = report["sections"]["unused_documents"]["items"]
    assert {d["id"] for d in unused} == {kept.pk, lost.pk}


# Images


def test_an_image_used_nowhere_is_listed_as_unused():
    image = _image("无人使用的照片")
    output = _run()
    assert "未被使用的图片：1" in output
    assert f"#{image.pk} 无人使用的照片  {image.file.name}" in output
    assert "文件缺失的图片：0" in output


def test_images_shown_as_a_lead_image_or_in_a_body_are_not_unused():
    lead = _image("题图")
    in_body = _image("正文中的照片")
    unused = _image("没用上的照片")
    _article("有题图的稿件", lead_image=lead)
    _show_in_body(_article("正文有照片的稿件"), in_body)

    report = _report()
    assert _titles(report, "unused_images") == ["没用上的照片"]
    assert report["sections"]["unused_images"]["items"][0]["id"] == unused.pk


def test_the_bulk_and_the_per_image_usage_agree(monkeypatch):
    """articles registers the uses it reports image by image (usage(), the
    admin's delete page) in bulk as well; both must name the same images."""
    lead = _image("题图")
    in_body = _image("正文中的照片")
    both = _image("两处都用")
    _image("没用上的照片")
    _article("有题图的稿件", lead_image=lead)
    _show_in_body(_article("正文有照片的稿件", lead_image=both), in_body)
    _show_in_body(_article("又一篇"), both)

    images = Image.objects.all()
    assert image_usage.used_image_ids() == {i.pk for i in images if image_usage.usage(i)}
    assert image_usage.used_image_ids() == {lead.pk, in_body.pk, both.pk}
    bulk = _titles(_report(), "unused_images")
    monkeypatch.setattr(image_usage, "USED_IMAGE_FINDERS", [])  # usage() of each image instead
    assert _titles(_report(), "unused_images") == bulk == ["没用上的照片"]


def test_finding_unused_images_costs_the_same_queries_for_any_number_of_images():
    def queries():
        with CaptureQueriesContext(connection) as captured:
            _report()
        return len(captured)

    article = _article()
    for number in range(2):
        _show_in_body(_article(f"稿件{number}"), _image(f"正文{number}"))
    article.lead_image = _image("题图")
    article.save()
    _image("没用上的")
    few = queries()
    for number in range(2, 12):
        _show_in_body(_article(f"稿件{number}"), _image(f"正文{number}"))
        _image(f"没用上的{number}")
    assert queries() == few


def test_an_image_whose_file_was_deleted_from_storage_exits_1():
    _image("完好的照片")
    lost = _image("文件丢失的照片")
    lost.file.storage.delete(lost.file.name)
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_media", stdout=out)
    assert caught.value.returncode == 1
    output = out.getvalue()
    assert f"文件缺失的图片：1\n  #{lost.pk} 文件丢失的照片  {lost.file.name}\n" in output
    assert _titles(_report(), "missing_images") == ["文件丢失的照片"]


def test_images_without_alt_text_are_listed_unless_decorative():
    _image("无替代文本", alt_text="")
    _image("只有空格", alt_text="  ")
    _image("装饰", alt_text="", decorative=True)
    _image("有替代文本", alt_text="党员参观展馆")
    output = _run()
    assert "缺少替代文本的图片（且未标为装饰性）：2" in output
    assert _titles(_report(), "images_without_alt") == ["无替代文本", "只有空格"]


def test_json_output_has_every_section(make_document):
    make_document(title="未引用的方案")
    _image("无替代文本", alt_text="")
    report = _report()
    assert report["missing"] is False
    assert list(report["sections"]) == SECTION_KEYS
    for key, section in report["sections"].items():
        assert set(section) == {"label", "severity", "count", "items"}
        assert section["count"] == len(section["items"])
        assert section["severity"] == ("missing" if key.startswith("missing") else "warning")
    assert report["sections"]["unused_documents"]["count"] == 1
    assert report["sections"]["unused_images"]["count"] == 1
    assert report["sections"]["images_without_alt"]["count"] == 1


def test_text_output_lists_every_section_with_its_count():
    output = _run()
    for label in [
        "文件缺失的附件：0",
        "未被使用的附件：0",
        "文件缺失的图片：0",
        "未被使用的图片：0",
        "缺少替代文本的图片（且未标为装饰性）：0",
    ]:
        assert label in output


# The registry


def test_a_registered_check_adds_its_sections_and_missing_findings_fail(monkeypatch):
    def check_videos():
        return [
            media_checks.Section("missing_videos", "文件缺失的视频", media_checks.MISSING),
            media_checks.Section(
                "unused_videos",
                "未被使用的视频",
                media_checks.WARNING,
                [{"id": 7, "title": "宣传片"}],
            ),
        ]

    monkeypatch.setattr(media_checks, "_checks", [])
    media_checks.register(check_videos)
    media_checks.register(check_videos)  # a second ready() adds nothing
    output = _run()
    assert output.splitlines() == ["文件缺失的视频：0", "未被使用的视频：1", "  #7 宣传片  "]

    def check_lost():
        return [
            media_checks.Section(
                "missing_videos", "文件缺失的视频", media_checks.MISSING, [{"id": 1, "title": "丢"}]
            )
        ]

    media_checks.register(check_lost)
    with pytest.raises(CommandError) as caught:
        _run()
    assert caught.value.returncode == 1


def test_a_section_needs_a_known_severity():
    with pytest.raises(ValueError):
        media_checks.Section("x", "x", "error")
