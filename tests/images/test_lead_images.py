"""题图: an article's lead image on its page, as its share picture, in feeds,
and protected from deletion while it is used."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from articles.models import Article
from images.usage import usage
from tests.images.conftest import make_image, picture_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def pictured(content):
    article = Article.objects.get(title__startswith="上城江干滨江")
    image = make_image(
        picture_bytes(size=(1600, 900)),
        title="动员部署会现场",
        alt_text="上城区党史学习教育动员部署会现场",
        caption="上城区党史学习教育动员部署会现场。",
        credit="王小明",
    )
    article.lead_image = image
    article.save()
    return article, image


def test_the_article_page_shows_its_lead_image_with_caption_and_credit(client, pictured):
    article, _ = pictured
    page = client.get(article.get_absolute_url()).content.decode()
    figure = page[page.index('<figure class="lead-image">') :]
    figure = figure[: figure.index("</figure>")]
    assert "<picture>" in figure and 'type="image/webp"' in figure
    assert 'alt="上城区党史学习教育动员部署会现场"' in figure
    assert 'width="' in figure and 'height="' in figure and 'loading="eager"' in figure
    assert 'fetchpriority="high"' in figure  # the largest paint, fetched first
    assert "王小明 摄" in figure and "动员部署会现场" in figure
    assert '<meta property="og:image" content="http://testserver/media/' in page


def test_the_lead_image_adds_no_query_per_page_view(
    client, pictured, django_assert_max_num_queries
):
    article, _ = pictured
    client.get(article.get_absolute_url())  # renditions made, fragments warm
    from core.pagecache import store

    store.reset()
    with django_assert_max_num_queries(12):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_feeds_carry_the_lead_image_as_an_enclosure(client, pictured):
    rss = client.get(reverse("feeds:articles_rss")).content.decode()
    enclosure = rss[rss.index("<enclosure ") :]
    enclosure = enclosure[: enclosure.index("/>")]
    assert 'url="http://testserver/media/' in enclosure and 'type="image/jpeg"' in enclosure


def test_an_image_in_use_cannot_be_deleted(pictured):
    article, image = pictured
    assert usage(image) == [
        (f"稿件《{article}》的题图", f"/admin/articles/article/{article.pk}/change/")
    ]
    with pytest.raises(ProtectedError):
        image.delete()


def test_a_new_caption_reaches_cached_pages_at_once(transactional_db, client, pictured):
    """(Committed rows: pages built inside a test's transaction are never stored.)"""
    article, image = pictured
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    image.caption = "改过的图片说明。"
    image.save()
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss" and "改过的图片说明" in fresh.content.decode()
    # Renditions made on first use are not content: they leave the cache warm.
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_feeds_cost_the_same_queries_however_many_items_have_pictures(
    client, pictured, settings, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    url = reverse("feeds:articles_rss")
    client.get(url)
    with CaptureQueriesContext(connection) as one_picture:
        client.get(url)
    budget = len(one_picture)  # read now: the next request clears the query log
    from tests.factories import make_article

    for n in range(5):
        make_article(
            title=f"有题图的稿件{n}", lead_image=make_image(picture_bytes(size=(800, 600)))
        )
    client.get(url)  # the new renditions are made once
    with django_assert_max_num_queries(budget):
        rss = client.get(url).content.decode()
    assert rss.count("<enclosure ") == 6


def test_list_cards_show_pictures_without_a_query_per_card(
    client, content, settings, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_article

    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    articles = [make_article(title=f"卡片稿件{n}", tags=["卡片"]) for n in range(6)]
    url = articles[0].tags.get().get_absolute_url()
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    budget = len(plain) + 2  # the pictures and their renditions, once for the list
    shared = make_image(picture_bytes(size=(800, 600)))
    for n, article in enumerate(articles):
        article.lead_image = shared if n % 2 else make_image(picture_bytes(size=(800, 600)))
        article.save()
    client.get(url)  # renditions made on first use
    with django_assert_max_num_queries(budget):
        page = client.get(url).content.decode()
    assert page.count('class="card has-picture"') == 6
    assert page.count("<picture>") == 6 and 'alt=""' in page


def test_a_picture_whose_original_is_gone_is_left_out_not_a_500(client, pictured):
    """Found by check_links: with the original deleted from storage and no
    renditions made yet, pages and feeds still answer; the picture is left out
    (check_media reports the missing file)."""
    from django.core.files.storage import default_storage

    article, image = pictured
    image.renditions.all().delete()
    default_storage.delete(image.file.name)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert '<figure class="lead-image">' in page.content.decode()
    assert "<picture>" not in page.content.decode()
    assert client.get("/").status_code == 200
    rss = client.get(reverse("feeds:articles_rss"))
    assert rss.status_code == 200 and b"<enclosure" not in rss.content
