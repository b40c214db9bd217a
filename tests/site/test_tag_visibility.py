"""A tag is public only while something visible carries it: an article visible
now, a published programme, or a district. Otherwise its page, its feeds and
the article list filtered by it are 404, so its name cannot announce news
that is not out yet."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Campaign
from core.models import Tag
from core.status import Status
from districts.models import District
from tests.factories import make_article, make_programme

TAG = "未公开专题"


def tag_urls(slug):
    return [
        reverse("articles:tag_detail", args=[slug]),
        reverse("feeds:tag_rss", args=[slug]),
        reverse("feeds:tag_atom", args=[slug]),
        reverse("articles:article_list") + f"?tag={slug}",
    ]


def statuses(client, slug):
    return {url: client.get(url).status_code for url in tag_urls(slug)}


def hidden_article(kind):
    now = timezone.now()
    fields = {
        "draft": {"status": Status.DRAFT},
        "review": {"status": Status.REVIEW},
        "unpublished": {"status": Status.UNPUBLISHED},
        "scheduled": {"published_at": now + dt.timedelta(days=1)},
        "expired": {"expires_at": now - dt.timedelta(minutes=1)},
        "no date": {"published_at": None},
    }[kind]
    return make_article(title=f"尚未公开的稿件（{kind}）", tags=[TAG], **fields)


@pytest.mark.parametrize(
    "kind", ["draft", "review", "unpublished", "scheduled", "expired", "no date"]
)
def test_tag_used_only_on_hidden_articles_is_404_everywhere(client, content, kind):
    hidden_article(kind)
    slug = Tag.objects.get(name=TAG).slug
    assert set(statuses(client, slug).values()) == {404}, statuses(client, slug)


def test_tag_appears_once_its_article_is_published(client, content):
    article = hidden_article("draft")
    slug = Tag.objects.get(name=TAG).slug
    assert set(statuses(client, slug).values()) == {404}
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    assert set(statuses(client, slug).values()) == {200}
    page = client.get(reverse("articles:tag_detail", args=[slug])).content.decode()
    assert f"标签：{TAG}" in page and article.title in page


def test_scheduled_tag_appears_when_its_time_comes(client, content):
    import time_machine

    start = timezone.now()
    hidden_article("scheduled")
    slug = Tag.objects.get(name=TAG).slug
    assert client.get(reverse("articles:tag_detail", args=[slug])).status_code == 404
    with time_machine.travel(start + dt.timedelta(days=1, minutes=1)):
        assert client.get(reverse("articles:tag_detail", args=[slug])).status_code == 200


def test_tag_on_a_published_programme_only_is_public(client, content):
    campaign = Campaign.objects.get(year=2021)
    district = District.objects.get(slug="shangcheng")
    hidden_article("draft")
    programme = make_programme(campaign, district, tags=[TAG], status=Status.DRAFT)
    slug = Tag.objects.get(name=TAG).slug
    assert client.get(reverse("articles:tag_detail", args=[slug])).status_code == 404

    programme.status = Status.PUBLISHED
    programme.save()
    response = client.get(reverse("articles:tag_detail", args=[slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert programme.name in page
    assert "尚未公开的稿件" not in page
    # The feeds answer, listing no hidden article.
    feed = client.get(reverse("feeds:tag_rss", args=[slug]))
    assert feed.status_code == 200 and "尚未公开的稿件" not in feed.content.decode()


def test_tag_on_a_district_only_is_public(client, content):
    district = District.objects.get(slug="jianggan")
    district.tags.add(TAG)
    slug = Tag.objects.get(name=TAG).slug
    assert set(statuses(client, slug).values()) == {200}
    assert district.name in client.get(reverse("articles:tag_detail", args=[slug])).content.decode()


def test_unused_tag_is_404(client, content):
    tag = Tag.objects.create(name="无人使用的标签")
    assert set(statuses(client, tag.slug).values()) == {404}


def test_shipped_tags_stay_public(client, content):
    tag = Tag.objects.get(name="党史学习教育")
    assert set(statuses(client, tag.slug).values()) == {200}


def index_counts(client):
    """{tag name: its count text} as the tag index shows them."""
    page = client.get(reverse("articles:tag_index")).content.decode()
    return dict(re.findall(r'>([^<>]+)</a>\s*<span class="count">([^<]*)</span>', page))


def test_tag_index_lists_tags_used_only_on_districts(client, content):
    """District pages link to their tags: the index lists them too, counted."""
    counts = index_counts(client)
    # Shipped district tags, on no article or programme.
    assert counts["红色资源"] == "1 个城区"
    assert counts["弄潮儿"] == "1 个城区"
    assert counts["高新企业"] == "1 个城区"
    assert counts["党史学习教育"].startswith("1 篇")

    District.objects.get(slug="shangcheng").tags.add("弄潮儿")
    assert index_counts(client)["弄潮儿"] == "2 个城区"


def test_tag_index_counts_only_visible_items(client, content):
    campaign = Campaign.objects.get(year=2021)
    district = District.objects.get(slug="shangcheng")
    hidden_article("draft")
    programme = make_programme(campaign, district, tags=[TAG], status=Status.DRAFT)
    assert TAG not in index_counts(client)

    programme.status = Status.PUBLISHED
    programme.save()
    assert index_counts(client)[TAG] == "1 项举措"

    make_article(title="已公开的稿件", tags=[TAG])
    District.objects.get(slug="jianggan").tags.add(TAG)
    assert index_counts(client)[TAG] == "1 篇 · 1 项举措 · 1 个城区"


def test_tag_index_is_one_query(client, content, django_assert_max_num_queries):
    from articles.tags import tags_for_index

    with django_assert_max_num_queries(2):  # the content types, then the tags
        tags = list(tags_for_index())
    by_name = {tag.name: tag for tag in tags}
    assert (by_name["红色资源"].article_count, by_name["红色资源"].district_count) == (0, 1)
    assert by_name["共同富裕"].article_count == 1 and by_name["共同富裕"].programme_count >= 1
