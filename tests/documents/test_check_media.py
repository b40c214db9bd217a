"""`manage.py check_media` reports missing files, unused documents and images
without alternative text; it exits 1 when a file is missing."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from documents import media_check, usage

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command("check_media", *args, stdout=out)
    return out.getvalue()


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
    assert [d["title"] for d in report["missing_documents"]] == ["丢失的附件"]
    assert report["missing_documents"][0]["url"] == lost.get_absolute_url()
    assert {d["id"] for d in report["unused_documents"]} == {kept.pk, lost.pk}


def _image_model_or_skip():
    model = media_check._image_model()
    if model is None:
        pytest.skip("the images app has no migrated Image model with alt text yet")
    return model


def test_images_without_alt_text_and_missing_image_files(media):
    Image = _image_model_or_skip()
    media.mkdir(parents=True, exist_ok=True)
    (media / "present.jpg").write_bytes(b"jpeg")
    Image._default_manager.create(title="无替代文本", file="present.jpg", alt_text="")
    Image._default_manager.create(title="装饰", file="present.jpg", alt_text="", decorative=True)
    Image._default_manager.create(title="有替代文本", file="present.jpg", alt_text="党员参观展馆")
    Image._default_manager.create(title="文件丢失", file="gone.jpg", alt_text="展馆")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_media", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["images_checked"] is True
    assert [i["title"] for i in report["images_without_alt"]] == ["无替代文本"]
    assert [i["title"] for i in report["missing_images"]] == ["文件丢失"]


def test_without_an_image_model_images_are_skipped(monkeypatch):
    def no_image_model(app_label, model_name):
        raise LookupError

    monkeypatch.setattr(apps, "get_model", no_image_model)
    output = _run()
    assert "已跳过" in output
    assert "缺少替代文字的图片" not in output
