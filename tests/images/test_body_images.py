"""Library pictures inside article bodies: stored as references, shown as
responsive pictures with their current caption and credit, fetched for the
whole page at once, and protected from deletion while a body shows them."""

import json

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import ProtectedError
from django.forms import modelform_factory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.articles import SectionForm
from articles.models import Article, ArticleSection, SectionImage
from core.pagecache import store
from core.richtext import figure_html, sanitize_html
from images.models import Image
from images.renditions import FORMATS, PRESETS, renditions_for
from images.usage import usage

from ..admin_helpers import login_as
from .conftest import make_image, picture_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def test_bodies_keep_picture_references_and_nothing_an_editor_could_smuggle_in():
    assert sanitize_html('<p>甲</p><figure data-image="12"></figure>') == (
        '<p>甲</p><figure data-image="12"></figure>'
    )
    # Markup inside a reference, other attributes and non-numeric references go.
    assert sanitize_html('<figure data-image="3" onclick="x"><img src="x.jpg"></figure>') == (
        '<figure data-image="3"></figure>'
    )
    assert sanitize_html('<figure data-image="javascript:alert(1)"></figure>') == ""
    assert sanitize_html("<figure><img src=x><figcaption>说明</figcaption></figure>") == ""
    assert sanitize_html('<p>乙</p><img src="/media/x.jpg">') == "<p>乙</p>"


def _report_article():
    return Article.objects.get(title__startswith="上城江干滨江")


def _photo(number=1, **fields):
    return make_image(
        picture_bytes(size=(1600, 1000), color=(10 * number, 80, 120)),
        title=fields.pop("title", f"第{number}张"),
        alt_text=fields.pop("alt_text", f"党员在望江街道参观红色展馆（{number}）"),
        **fields,
    )


def _put_in_body(section, *images):
    section.body = section.body + "".join(figure_html(image.pk) for image in images)
    section.save()


def _first_view(client, url):
    """The page as the first reader sees it: no page or fragment cached."""
    store.reset()
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_page_shows_a_body_picture_with_its_current_caption_and_credit(client, content):
    article = _report_article()
    section = article.sections.exclude(body="").first()
    image = _photo(caption="上城区党员在望江街道参观红色展馆,重温入党誓词。", credit="王小明")
    _put_in_body(section, image)

    page, _ = _first_view(client, article.get_absolute_url())
    figure = page[page.index('<figure class="body-image">') :]
    figure = figure[: figure.index("</figure>")]
    assert "<picture>" in figure and 'type="image/webp"' in figure
    assert 'alt="党员在望江街道参观红色展馆（1）"' in figure
    assert 'loading="lazy"' in figure and 'width="' in figure and 'height="' in figure
    assert "srcset=" in figure and 'sizes="(min-width: 52rem) 50rem, calc(100vw - 2rem)"' in figure
    # The caption is typeset like the text around it (full-width comma).
    assert "重温入党誓词" in figure and "展馆，重温" in figure
    assert '<span class="credit">王小明 摄</span>' in figure
    assert "data-image" not in page

    image.caption = "改过的说明。"
    image.save()
    page, _ = _first_view(client, article.get_absolute_url())
    assert "改过的说明。" in page and "重温入党誓词" not in page


def test_pictures_in_a_body_add_no_query_per_picture(client, content):
    """The SQL of a first (uncached) view is the same with 1 picture and with 10."""
    article = _report_article()
    sections = list(article.sections.exclude(body=""))
    photos = [_photo(n) for n in range(1, 11)]
    renditions_for(photos, PRESETS["full"].specs, FORMATS)  # made at upload in real use

    _put_in_body(sections[0], photos[0])
    one_page, with_one = _first_view(client, article.get_absolute_url())
    assert one_page.count('<figure class="body-image">') == 1

    for number, photo in enumerate(photos[1:]):
        _put_in_body(sections[number % len(sections)], photo)
    ten_page, with_ten = _first_view(client, article.get_absolute_url())
    assert ten_page.count('<figure class="body-image">') == 10
    assert with_ten == with_one


def test_the_campaign_report_shows_body_pictures(client, content):
    article = _report_article()
    district_section = article.sections.exclude(district=None).first()
    _put_in_body(district_section, _photo(caption="江干区党史学习教育现场。"))
    campaign = article.reported_campaigns.get()
    page, _ = _first_view(client, campaign.get_absolute_url())
    assert '<figure class="body-image">' in page and "江干区党史学习教育现场" in page


def test_a_picture_a_body_shows_cannot_be_deleted_and_says_where_it_is_used(content):
    article = _report_article()
    section = article.sections.exclude(body="").first()
    image = _photo()
    _put_in_body(section, image)

    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert usage(image) == [(f"稿件《{article}》的正文", change_url)]
    with pytest.raises(ProtectedError):
        image.delete()

    # Taken out of the text, the picture is free to go.
    section.body = section.body.replace(figure_html(image.pk), "")
    section.save()
    assert not SectionImage.objects.filter(image=image).exists()
    image.delete()


def test_a_body_may_not_name_a_picture_that_is_not_in_the_library(content):
    section = _report_article().sections.exclude(body="").first()
    form_class = modelform_factory(ArticleSection, form=SectionForm, fields=["body"])
    form = form_class({"body": "<p>正文</p>" + figure_html(987654)}, instance=section)
    assert not form.is_valid()
    assert "987654" in form.errors["body"][0] and "图片库" in form.errors["body"][0]


def test_a_reference_left_behind_shows_nothing(client, content):
    """Written around the model (a raw update), a reference to a lost picture
    is skipped on the page rather than breaking it."""
    article = _report_article()
    ArticleSection.objects.filter(pk=article.sections.first().pk).update(
        body='<p>保留的段落。</p><figure data-image="987654"></figure>'
    )
    page, _ = _first_view(client, article.get_absolute_url())
    assert "保留的段落。" in page and "data-image" not in page and "body-image" not in page


def test_the_editor_dialog_finds_library_pictures(client, districts):
    login_as(client, "newsroom")
    wanted = _photo(title="望江街道红色展馆", caption="上城区党员参观展馆")
    _photo(title="钱塘江边的晨跑", alt_text="市民在钱塘江边晨跑")
    picker = reverse("admin:images_image_picker")

    found = client.get(picker, {"q": "红色展馆"}).json()
    assert [item["id"] for item in found["results"]] == [wanted.pk]
    item = found["results"][0]
    assert item["preview"].startswith("/media/") and item["width"] == 320
    assert item["alt"] == wanted.alt_text and item["caption"] == "上城区党员参观展馆"

    described = client.get(picker, {"ids": f"{wanted.pk},x,999999"}).json()
    assert [item["id"] for item in described["results"]] == [wanted.pk]


def test_the_editor_dialog_uploads_into_the_library_with_the_same_checks(client, districts):
    login_as(client, "district")
    url = reverse("admin:images_image_picker_upload")
    refused = client.post(
        url, {"file": upload("shell.jpg", b"<?php system($_GET['c']); ?>"), "alt_text": "x"}
    )
    assert refused.status_code == 400
    assert "图片" in json.dumps(refused.json(), ensure_ascii=False)
    no_alt = client.post(url, {"file": upload("a.jpg", picture_bytes()), "alt_text": ""})
    assert no_alt.status_code == 400 and "alt_text" in no_alt.json()["errors"]
    assert not Image.objects.exists() and stored_files() == []

    made = client.post(
        url,
        {
            "file": upload("望江街道.jpg", picture_bytes(size=(800, 600))),
            "alt_text": "望江街道党员志愿者",
            "caption": "望江街道党员志愿者服务现场",
            "credit": "王小明",
        },
    )
    assert made.status_code == 201, made.content
    image = Image.objects.get()
    assert made.json()["result"]["id"] == image.pk and image.title == "望江街道"
    # A district editor's picture belongs to their district, as on the add page.
    assert list(image.districts.values_list("slug", flat=True)) == ["shangcheng"]


def test_the_picker_is_for_signed_in_staff_only(client, districts):
    picker = reverse("admin:images_image_picker")
    assert client.get(picker).status_code == 302
    assert client.post(reverse("admin:images_image_picker_upload")).status_code == 302
