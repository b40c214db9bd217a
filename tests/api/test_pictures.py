"""Pictures and files in the API: 题图 of articles, programmes and the
campaign as data (words, size, every rendition's absolute URL), fetched for a
whole page of rows at once; pictures inside article bodies drawn as the pages
draw them, with absolute URLs; attachments with their stable /files/ address.
Every answer is checked against the schema (tests/api/conftest.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Campaign, Programme
from core.richtext import figure_html
from documents.models import Document
from documents.validation import check_upload
from images.renditions import FORMATS
from tests.documents.files import pdf_bytes
from tests.documents.files import upload as document_upload
from tests.factories import make_article
from tests.images.conftest import make_image, picture_bytes

pytestmark = pytest.mark.django_db

CAMPAIGN = "2021-dang-shi-xue-xi-jiao-yu"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    settings.CLAMD_SOCKET = ""
    settings.PAGE_CACHE_SECONDS = 0


def _photo(number=1, size=(1600, 900), **fields):
    return make_image(
        picture_bytes(size=size, color=(20 * number, 80, 120)),
        title=fields.pop("title", f"第{number}张"),
        alt_text=fields.pop("alt_text", f"上城区党史学习教育动员部署会现场（{number}）"),
        **fields,
    )


def _report():
    return Article.objects.get(title__startswith="上城江干滨江")


def test_articles_carry_their_lead_image_in_lists_and_details(api, content):
    article = _report()
    article.lead_image = _photo(caption="动员部署会现场。", credit="王小明", source="杭州日报")
    article.save()
    listed = api.json("/api/v1/articles/")["results"][0]["lead_image"]
    detail = api.json(f"/api/v1/articles/{article.slug}/")["lead_image"]
    assert listed == detail
    assert detail["alt"] == "上城区党史学习教育动员部署会现场（1）"
    assert detail["decorative"] is False
    assert detail["caption"] == "动员部署会现场。"
    assert detail["credit"] == "王小明 摄" and detail["source"] == "杭州日报"
    assert (detail["width"], detail["height"]) == (1600, 900)
    renditions = detail["renditions"]
    assert {r["format"] for r in renditions} == set(FORMATS)
    jpegs = [r for r in renditions if r["format"] == "jpeg"]
    assert [(r["width"], r["height"]) for r in jpegs] == [
        (320, 180),
        (640, 360),
        (1024, 576),
        (1600, 900),
    ]
    assert all(r["url"].startswith("http://testserver/media/images/") for r in renditions)
    assert jpegs[0]["url"].endswith(".jpg")


def test_no_lead_image_is_null_and_a_small_one_lists_each_width_once(api, content):
    article = _report()
    assert api.json(f"/api/v1/articles/{article.slug}/")["lead_image"] is None
    article.lead_image = _photo(size=(500, 300), decorative=True, alt_text="")
    article.save()
    image = api.json(f"/api/v1/articles/{article.slug}/")["lead_image"]
    assert image["alt"] == "" and image["decorative"] is True
    assert image["caption"] == "" and image["credit"] == ""
    # Never wider than the original: w640, w1024 and w1600 are the same 500 px picture.
    jpegs = [(r["width"], r["height"]) for r in image["renditions"] if r["format"] == "jpeg"]
    assert jpegs == [(320, 192), (500, 300)]


def test_programmes_and_the_campaign_carry_their_lead_images(api, content):
    campaign = Campaign.objects.get(slug=CAMPAIGN)
    campaign.lead_image = _photo(1, caption="专题题图。")
    campaign.save()
    programme = Programme.objects.get(slug="wu-xue-wu-zheng")
    programme.lead_image = _photo(2, credit="李四")
    programme.save()

    report = api.json(f"/api/v1/campaigns/{CAMPAIGN}/")
    assert report["lead_image"]["caption"] == "专题题图。"
    by_name = {p["name"]: p for p in report["programmes"]}
    assert by_name["五学五争"]["lead_image"]["credit"] == "李四 摄"
    assert by_name["八学八新"]["lead_image"] is None

    detail = api.json("/api/v1/programmes/wu-xue-wu-zheng/")
    assert detail["lead_image"] == by_name["五学五争"]["lead_image"]
    listed = {p["slug"]: p for p in api.json("/api/v1/programmes/")["results"]}
    assert listed["wu-xue-wu-zheng"]["lead_image"]["renditions"]
    assert listed["ba-xue-ba-xin"]["lead_image"] is None


def _queries(api, url):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_ten_articles_with_lead_images_cost_the_queries_of_one(
    api, content, django_assert_max_num_queries
):
    url = "/api/v1/articles/?limit=20"
    article = _report()
    article.lead_image = _photo(0)
    article.save()
    api.get(url)
    one = _queries(api, url)
    for n in range(1, 10):
        make_article(title=f"有题图的稿件{n}", lead_image=_photo(n, size=(800, 450)))
    api.get(url)  # the new pictures' renditions are made once
    with django_assert_max_num_queries(one):
        data = api.get(url).json()
    assert data["count"] == 10
    assert all(entry["lead_image"]["renditions"] for entry in data["results"])


def test_programme_lists_cost_no_query_per_lead_image(api, content, django_assert_max_num_queries):
    url = "/api/v1/programmes/"
    first, *others = Programme.objects.all()
    first.lead_image = _photo(0)
    first.save()
    api.get(url)
    one = _queries(api, url)
    for n, programme in enumerate(others, start=1):
        programme.lead_image = _photo(n)
        programme.save()
    api.get(url)
    with django_assert_max_num_queries(one):
        results = api.get(url).json()["results"]
    assert all(p["lead_image"] for p in results)


def test_body_pictures_are_drawn_with_absolute_urls_caption_and_credit(
    api, content, django_assert_max_num_queries
):
    article = _report()
    url = f"/api/v1/articles/{article.slug}/"
    plain = api.json(url)
    without = _queries(api, url)
    section = article.sections.exclude(body="").first()
    first = _photo(1, caption="党员重温入党誓词。", credit="王小明")
    second = _photo(2, alt_text="江干区宣讲现场")
    section.body += figure_html(first.pk) + figure_html(second.pk)
    section.save()
    api.get(url)  # renditions made once
    # Both pictures in two queries: the images, then their renditions.
    with django_assert_max_num_queries(without + 2):
        data = api.json(url)
    drawn = next(s for s in data["sections"] if s["position"] == section.position)
    html = drawn["html"]
    assert "data-image" not in html
    assert html.count('<figure class="body-image">') == 2
    assert html.count("<picture>") == 2 and 'type="image/webp"' in html
    assert 'alt="上城区党史学习教育动员部署会现场（1）"' in html and 'alt="江干区宣讲现场"' in html
    assert "党员重温入党誓词。" in html and "王小明 摄" in html
    srcs = [part.split('"')[0] for part in html.split('src="')[1:]]
    assert srcs and all(src.startswith("http://testserver/media/images/") for src in srcs)
    srcset = html.split('srcset="')[1].split('"')[0]
    assert all(item.strip().startswith("http://testserver/media/") for item in srcset.split(","))
    # The plain text stays the words only, as before the pictures.
    before = next(s for s in plain["sections"] if s["position"] == section.position)
    assert drawn["text"] == before["text"] and "<" not in drawn["text"]


def test_a_reference_to_a_deleted_picture_shows_nothing(api, content):
    article = _report()
    section = article.sections.exclude(body="").first()
    section.body += figure_html(987654)
    section.save()
    data = api.json(f"/api/v1/articles/{article.slug}/")
    assert not any("<figure" in s["html"] for s in data["sections"])


def test_attachments_with_their_stable_address(api, content):
    article = _report()
    file = document_upload("工作方案.pdf", pdf_bytes())
    document = Document(title="2021年党史学习教育工作方案")
    document.store(file, check_upload(file))
    article.attachments.add(document)
    (attachment,) = api.json(f"/api/v1/articles/{article.slug}/")["attachments"]
    assert attachment["title"] == "2021年党史学习教育工作方案"
    assert attachment["kind"] == "pdf" and attachment["content_type"] == "application/pdf"
    assert attachment["size"] == document.size and attachment["label"].startswith("PDF，")
    assert attachment["url"] == f"http://testserver{document.get_absolute_url()}"
    assert attachment["url"].startswith(f"http://testserver/files/{document.pk}/")
