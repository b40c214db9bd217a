"""The image library in the admin: uploads checked, alt text required unless
decorative, district editors kept to their districts' images."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from images.models import Image
from website.roles import DISTRICT_EDITORS, NEWSROOM_EDITORS, PUBLISHERS

from ..admin_helpers import admin_url, form_data, login_as
from .conftest import exif_with_gps, make_image, picture_bytes, stored_files, upload

pytestmark = pytest.mark.django_db

ADD = reverse("admin:images_image_add")


def post_upload(client, data=None, name="photo.jpg", **fields):
    form = {
        "file": upload(name, data or picture_bytes()),
        "title": "",
        "alt_text": "望江街道党员志愿者",
        "caption": "",
        "credit": "王小明",
        "source": "",
        "tags": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
        **fields,
    }
    return client.post(ADD, form)


def test_add_page_renders(client, districts):
    login_as(client, "district")
    response = client.get(ADD)
    assert response.status_code == 200
    assert 'accept="image/*"' in response.text


def test_upload_stores_a_clean_image(client, districts):
    """A phone photo uploads upright, without GPS, titled by its file name."""
    user = login_as(client, "newsroom")
    response = post_upload(
        client, picture_bytes(size=(64, 48), exif=exif_with_gps()), "望江街道.jpg"
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    image = Image.objects.get()
    assert image.title == "望江街道"
    assert (image.width, image.height) == (48, 64)
    assert image.uploaded_by == user
    assert len(image.content_hash) == 64 and image.file_size > 0
    assert stored_files() == [image.file.name]
    assert b"TestCam" not in image.file.read()


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>", "PHP"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "SVG"),
        ("page.png", b"<html><body>hi</body></html>", "网页"),
        ("cut.jpg", picture_bytes()[:300], "损坏或不完整"),
    ],
)
def test_hostile_upload_is_refused_and_nothing_stored(client, districts, name, data, words):
    login_as(client, "newsroom")
    response = post_upload(client, data, name)
    assert response.status_code == 200
    assert words in str(response.context["adminform"].form.errors["file"])
    assert not Image.objects.exists()
    assert stored_files() == []


def test_alt_text_required_unless_decorative(client, districts):
    login_as(client, "newsroom")
    response = post_upload(client, alt_text="  ")
    assert response.status_code == 200
    assert "请填写替代文本" in str(response.context["adminform"].form.errors["alt_text"])
    assert stored_files() == []
    response = post_upload(client, alt_text="", decorative="on")
    assert response.status_code == 302
    assert Image.objects.get().decorative


def test_changelist_shows_thumbnails_without_a_query_per_row(
    client, districts, django_assert_max_num_queries
):
    from images.renditions import make_standard_renditions

    login_as(client, "newsroom")
    url = reverse("admin:images_image_changelist")
    make_standard_renditions(make_image())
    client.get(url)
    with django_assert_max_num_queries(30) as one:
        response = client.get(url)
    assert 'class="image-thumbnail"' in response.text
    for _ in range(9):
        make_standard_renditions(make_image())
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert response.text.count('class="image-thumbnail"') == 10


def test_change_form_has_the_focal_point_picker(client, districts):
    login_as(client, "newsroom")
    image = make_image()
    response = client.get(admin_url(image, "change", image.pk))
    assert 'class="focal-point-picker"' in response.text
    assert "admin-extra/focal-point.js" in response.text
    assert 'style="' not in response.text.split('class="focal-point-picker"')[1].split("</div>")[0]


def test_moving_the_focal_point_remakes_crops(client, districts):
    """Crops are made again around the new point, under a new file name."""
    from images.renditions import rendition

    login_as(client, "newsroom")
    image = make_image()
    old = rendition(image, "fill-1x1-160", "webp").file.name
    response = client.get(admin_url(image, "change", image.pk))
    data = form_data(response)
    data.pop("file", None)
    data.update(focal_x="0.1", focal_y="0.2")
    response = client.post(admin_url(image, "change", image.pk), data)
    assert response.status_code == 302
    image = Image.objects.get(pk=image.pk)
    assert (image.focal_x, image.focal_y) == (0.1, 0.2)
    assert not image.renditions.filter(spec="fill-1x1-160").exists()
    assert rendition(image, "fill-1x1-160", "webp").file.name != old


def test_district_editor_sees_only_their_districts_images(client, districts):
    shangcheng, _, binjiang = districts
    ours = make_image(title="上城区的图片")
    ours.districts.add(shangcheng)
    theirs = make_image(title="滨江区的图片")
    theirs.districts.add(binjiang)
    login_as(client, "district")
    response = client.get(reverse("admin:images_image_changelist"))
    assert "上城区的图片" in response.text and "滨江区的图片" not in response.text
    assert client.get(admin_url(ours, "change", ours.pk)).status_code == 200
    assert client.get(admin_url(theirs, "change", theirs.pk)).status_code == 403


def test_district_editor_uploads_only_to_their_districts(client, districts):
    shangcheng, _, binjiang = districts
    login_as(client, "district")
    response = post_upload(client, districts=[str(binjiang.pk)])
    assert response.status_code == 200
    assert "districts" in response.context["adminform"].form.errors
    response = post_upload(client)
    assert "请至少选择一个您负责的城区" in str(response.context["adminform"].form.errors)
    assert stored_files() == []
    response = post_upload(client, districts=[str(shangcheng.pk)])
    assert response.status_code == 302
    assert list(Image.objects.get().districts.all()) == [shangcheng]


def test_groups_may_use_the_library(districts):
    """Every editor group uploads and edits images; newsroom editors and publishers delete them."""
    for name in (NEWSROOM_EDITORS, PUBLISHERS, DISTRICT_EDITORS):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_image", "change_image", "view_image"} <= codenames
        assert ("delete_image" in codenames) == (name != DISTRICT_EDITORS)


def test_image_in_use_cannot_be_deleted(client, districts, monkeypatch):
    from images import usage

    login_as(client, "newsroom")
    image = make_image()
    monkeypatch.setattr(
        usage, "USAGE_FINDERS", [lambda image: [("稿件《动员部署》的正文", "/admin/")]]
    )
    response = client.post(admin_url(image, "delete", image.pk), {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    assert "稿件《动员部署》" in response.text


def test_bulk_upload_makes_one_image_per_file(client, districts):
    """Good files become images waiting for alt text; bad ones are named and skipped."""
    shangcheng = districts[0]
    login_as(client, "district")
    url = reverse("admin:images_image_bulk_upload")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "files": [
                upload("一.jpg", picture_bytes()),
                upload("二.png", picture_bytes(fmt="PNG")),
                upload("坏.jpg", b"<?php ?>"),
            ],
            "districts": [str(shangcheng.pk)],
            "credit": "王小明",
        },
    )
    assert response.status_code == 200
    assert "坏.jpg" in response.text
    titles = sorted(Image.objects.values_list("title", flat=True))
    assert titles == ["一", "二"]
    assert Image.objects.missing_alt_text().count() == 2
    assert len(stored_files()) == 2
