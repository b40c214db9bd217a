"""Media storage: local disk by default, S3-compatible storage for several app
servers, switched by environment variables alone (README "Media files").

The S3 tests run against a real SeaweedFS on loopback (tests/deploy/seaweedfs.py),
with STORAGES["default"] exactly as config/settings.py builds it from the
MEDIA_S3_* variables; they skip, saying why, where the `weed` binary is missing.
The image and document libraries' own upload, rendition, replace, delete and
download paths run against the same bucket.
"""

import io
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import Resolver404, URLResolver
from django.urls.resolvers import RegexPattern
from django.views.static import serve
from PIL import Image as PILImage

from core.pagecache.middleware import cache_key
from tests.deploy.seaweedfs import media_environment, settings_from_environment

ROOT = Path(__file__).resolve().parents[2]
YEAR_IMMUTABLE = "public, max-age=31536000, immutable"


def jpeg_bytes(width=1200, height=800):
    picture = PILImage.new("RGB", (width, height))
    picture.putdata(
        [(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)]
    )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


# --- Settings from the environment -------------------------------------------------


def test_local_disk_is_the_default():
    configured = settings_from_environment({})
    assert configured["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert configured["STORAGES"]["staticfiles"] == {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    }
    assert configured["MEDIA_URL"] == "/media/"
    assert configured["MEDIA_ROOT"] == ROOT / "media"
    assert configured["MEDIA_ORIGIN"] == ""
    assert "/media/" in configured["PAGE_CACHE_EXCLUDED_PATHS"]

    moved = settings_from_environment({"MEDIA_ROOT": "/srv/hzcms/media"})
    assert moved["MEDIA_ROOT"] == Path("/srv/hzcms/media")


def test_a_bucket_switches_media_to_s3_with_public_immutable_objects():
    configured = settings_from_environment({"MEDIA_S3_BUCKET": "hzcms-media"})
    default = configured["STORAGES"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "hzcms-media",
        "endpoint_url": None,
        "access_key": "",
        "secret_key": "",
        "region_name": "us-east-1",
        "signature_version": "s3v4",
        "addressing_style": "path",
        "custom_domain": None,
        "url_protocol": "https:",
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,
        "object_parameters": {"CacheControl": YEAR_IMMUTABLE},
    }
    # Static files stay with whitenoise.
    assert configured["STORAGES"]["staticfiles"] == {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    }


@pytest.mark.parametrize(
    ("environ", "domain", "protocol", "origin"),
    [
        (
            {"MEDIA_S3_CUSTOM_DOMAIN": "https://cdn.example.cn/media/"},
            "cdn.example.cn/media",
            "https:",
            "https://cdn.example.cn",
        ),
        (
            {"MEDIA_S3_CUSTOM_DOMAIN": "media.example.cn"},
            "media.example.cn",
            "https:",
            "https://media.example.cn",
        ),
        (
            {"MEDIA_S3_ENDPOINT_URL": "http://10.0.0.5:8333/"},
            None,
            "https:",
            "http://10.0.0.5:8333",
        ),
        (
            {
                "MEDIA_S3_ENDPOINT_URL": "https://oss-cn-hangzhou.aliyuncs.com",
                "MEDIA_S3_ADDRESSING_STYLE": "virtual",
                "MEDIA_S3_REGION": "oss-cn-hangzhou",
            },
            None,
            "https:",
            "https://hzcms-media.oss-cn-hangzhou.aliyuncs.com",
        ),
    ],
)
def test_the_public_address_of_media(environ, domain, protocol, origin):
    configured = settings_from_environment({"MEDIA_S3_BUCKET": "hzcms-media", **environ})
    options = configured["STORAGES"]["default"]["OPTIONS"]
    assert (options["custom_domain"], options["url_protocol"]) == (domain, protocol)
    assert configured["MEDIA_ORIGIN"] == origin
    # Pages may show pictures from there: the CSP allows that origin, no other.
    img_src = configured["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert img_src == ["'self'", "data:", origin]


def test_media_is_never_page_cached():
    assert cache_key(RequestFactory().get(f"{settings.MEDIA_URL}images/original/ab/x.jpg")) is None


def test_django_serves_media_root_under_debug_only(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.jpg").write_bytes(b"picture")

    def resolve(path):
        urlpatterns = runpy.run_path(str(ROOT / "config" / "urls.py"))["urlpatterns"]
        return URLResolver(RegexPattern(r"^/"), urlpatterns).resolve(path)

    with override_settings(DEBUG=True, MEDIA_ROOT=tmp_path):
        match = resolve("/media/images/a.jpg")
        assert match.func is serve
        response = match.func(RequestFactory().get("/media/images/a.jpg"), **match.kwargs)
        assert b"".join(response.streaming_content) == b"picture"
    with override_settings(DEBUG=False, MEDIA_ROOT=tmp_path), pytest.raises(Resolver404):
        resolve("/media/images/a.jpg")


# --- Django's storage API on S3 ----------------------------------------------------


def test_default_storage_saves_reads_and_deletes_in_the_bucket(s3_media):
    assert default_storage.bucket_name == s3_media.bucket
    body = "杭州日报讯 上城区启动党史学习教育".encode()

    name = default_storage.save("test/通知.txt", ContentFile(body))
    assert name == "test/通知.txt"
    assert s3_media.object_names() == {name}
    assert default_storage.exists(name)
    assert default_storage.size(name) == len(body)
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == body

    # Never overwritten: the same name again is stored beside it.
    again = default_storage.save("test/通知.txt", ContentFile(b"other"))
    assert again != name
    assert s3_media.object_names() == {name, again}
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == body

    default_storage.delete(name)
    assert not default_storage.exists(name)
    assert s3_media.object_names() == {again}
    with pytest.raises(FileNotFoundError):
        default_storage.size(name)


def test_objects_are_public_unsigned_and_cached_for_a_year(s3_media):
    body = jpeg_bytes(64, 48)
    name = default_storage.save("images/renditions/ab/1-abcdef-w640.jpg", ContentFile(body))

    head = s3_media.head(name)
    assert head["CacheControl"] == YEAR_IMMUTABLE
    assert head["ContentType"] == "image/jpeg"

    url = default_storage.url(name)
    assert url == f"{s3_media.store.endpoint_url}/{s3_media.bucket}/{name}"
    assert url.startswith(settings_from_environment(_env(s3_media))["MEDIA_ORIGIN"] + "/")
    # A reader's browser: no key, no signature.
    status, headers, fetched = s3_media.fetch(url)
    assert (status, fetched) == (200, body)
    assert headers["Cache-Control"] == YEAR_IMMUTABLE
    assert headers["Content-Type"] == "image/jpeg"


def _env(s3_media, **extra):
    return media_environment(s3_media.store, s3_media.bucket, **extra)


def test_links_use_the_custom_domain(s3_media):
    # The bucket's own public address stands in for a CDN in front of it.
    public = f"{s3_media.store.endpoint_url}/{s3_media.bucket}"
    configured = settings_from_environment(_env(s3_media, MEDIA_S3_CUSTOM_DOMAIN=public))
    with override_settings(STORAGES={**settings.STORAGES, **configured["STORAGES"]}):
        name = default_storage.save("documents/2021/03/方案.txt", ContentFile(b"plan"))
        url = default_storage.url(name)
    assert url == f"{public}/documents/2021/03/%E6%96%B9%E6%A1%88.txt"
    assert url.startswith(configured["MEDIA_ORIGIN"] + "/")
    assert s3_media.fetch(url)[2] == b"plan"


# --- The image library on S3 ---------------------------------------------------------


@pytest.mark.django_db
def test_images_upload_renditions_and_delete_in_the_bucket(
    s3_media, django_capture_on_commit_callbacks
):
    from images.models import Image, Rendition
    from images.renditions import forget_crops, make_standard_renditions, rendition
    from images.validation import clean_upload

    upload = SimpleUploadedFile("望江街道.jpg", jpeg_bytes(), content_type="image/jpeg")
    image = Image(title="望江街道红色展馆", decorative=True)
    image.set_file(clean_upload(upload))
    image.save()
    original = image.file.name
    assert original in s3_media.object_names()

    make_standard_renditions(image)
    renditions = list(Rendition.objects.filter(image=image))
    assert renditions, "no renditions were made"
    assert s3_media.object_names() == {original} | {item.file.name for item in renditions}
    for item in renditions:
        assert s3_media.head(item.file.name)["CacheControl"] == YEAR_IMMUTABLE
    # Served by the store to anyone, at the address pages use.
    w640 = next(item for item in renditions if item.spec == "w640" and item.format == "jpeg")
    status, _, body = s3_media.fetch(w640.url)
    assert status == 200
    assert PILImage.open(io.BytesIO(body)).size == (w640.width, w640.height)

    # A crop on first use, read back from the bucket's original.
    crop = rendition(image, "fill-16x9-640", "webp")
    assert crop.file.name in s3_media.object_names()

    # The focal point moves: the crops go, from the bucket too, once committed.
    crops = {
        item.file.name for item in Rendition.objects.filter(image=image, spec__startswith="fill-")
    }
    with django_capture_on_commit_callbacks(execute=True):
        forget_crops(image)
    assert crops
    assert not crops & s3_media.object_names()

    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert s3_media.object_names() == set()


# --- The document library on S3 ------------------------------------------------------


@pytest.mark.django_db
def test_documents_store_replace_download_and_delete_in_the_bucket(
    s3_media, django_capture_on_commit_callbacks
):
    from documents.models import Document
    from documents.validation import check_upload
    from documents.views import download

    def upload(text):
        return SimpleUploadedFile("工作方案.txt", text.encode(), content_type="text/plain")

    def downloaded(document):
        # The view itself: config/urls.py may not route /files/ yet.
        request = RequestFactory().get(f"/files/{document.pk}/")
        response = download(request, document.pk, document.slug, document.kind)
        assert response.status_code == 200
        return response, b"".join(response.streaming_content)

    first_text = "2021年党史学习教育工作方案（第一稿）"
    document = Document(title="2021年党史学习教育工作方案")
    first = upload(first_text)
    with django_capture_on_commit_callbacks(execute=True):
        document.store(first, check_upload(first))
    first_name = document.file.name
    assert s3_media.object_names() == {first_name}
    response, body = downloaded(document)
    assert body == first_text.encode()
    assert response["Content-Disposition"].startswith("attachment;")

    # Replaced: same document and address, a new object; the old one is gone.
    second_text = "2021年党史学习教育工作方案（修订稿）"
    second = upload(second_text)
    with django_capture_on_commit_callbacks(execute=True):
        document.store(second, check_upload(second))
    assert document.file.name != first_name
    assert s3_media.object_names() == {document.file.name}
    assert downloaded(document)[1] == second_text.encode()

    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert s3_media.object_names() == set()
