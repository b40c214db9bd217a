"""Related items come from one query ranking both kinds together: articles and
programmes interleave by shared tags, then recency, and their cards render
without further queries."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from articles.models import Article, Programme
from articles.related import related_items
from tests.factories import make_article, make_campaign, make_district, make_programme

TAGS = ["甲", "乙", "丙"]


@pytest.fixture
def ranked(db):
    """A subject article and candidates whose ranking alternates between kinds."""
    now = timezone.now()
    campaign = make_campaign()
    district = make_district(name="测试城区", slug="ce-shi-cheng-qu")

    def programme(name, tags, days_ago):
        made = make_programme(campaign, district, items=0, tags=tags, name=name, slug=name)
        # updated_at is set on every save: put it in place afterwards.
        Programme.objects.filter(pk=made.pk).update(updated_at=now - dt.timedelta(days=days_ago))
        return made

    def article(title, tags, days_ago):
        return make_article(title=title, tags=tags, published_at=now - dt.timedelta(days=days_ago))

    subject = article("主题稿件", TAGS, 0)
    return {
        "subject": subject,
        "campaign": campaign,
        # Expected order: most shared tags first whatever the kind, then the
        # newer of an article's publication and a programme's last change.
        "order": [
            programme("three-shared", TAGS, 40),
            article("共享两个", TAGS[:2], 1),
            programme("one-shared-newer", TAGS[2:], 2),
            article("共享一个较旧", TAGS[:1], 3),
        ],
        "unrelated": article("不相关", ["丁"], 0),
    }


def related_to(obj, **kwargs):
    items = related_items(type(obj).objects.prefetch_related("tags").get(pk=obj.pk), **kwargs)
    return [(item.kind, item.obj.pk) for item in items], items


def as_keys(objs):
    return [("article" if isinstance(o, Article) else "programme", o.pk) for o in objs]


def test_articles_and_programmes_interleave_by_shared_tags_then_date(ranked):
    keys, items = related_to(ranked["subject"])
    assert keys == as_keys(ranked["order"])
    assert [item.shared for item in items] == [3, 2, 1, 1]


def test_limit_applies_to_both_kinds_together(ranked):
    keys, _ = related_to(ranked["subject"], limit=2)
    assert keys == as_keys(ranked["order"][:2])


def test_a_programme_is_not_related_to_itself_and_a_report_not_to_its_campaign(ranked):
    programme = ranked["order"][0]
    keys, _ = related_to(programme)
    assert ("programme", programme.pk) not in keys
    assert ("article", ranked["subject"].pk) in keys

    campaign = ranked["campaign"]
    campaign.tags.add(*TAGS)
    campaign.report_article = ranked["subject"]
    campaign.save()
    keys, _ = related_to(campaign)
    assert ("article", ranked["subject"].pk) not in keys
    assert keys == as_keys(ranked["order"])


def test_cards_render_from_the_ranking_query_alone(ranked, django_assert_num_queries):
    _, items = related_to(ranked["subject"])
    three_shared, two_shared = ranked["order"][:2]
    with django_assert_num_queries(0):
        html = render_to_string("includes/related.html", {"related": items})
    assert f'href="{three_shared.get_absolute_url()}"' in html
    assert f'href="{two_shared.get_absolute_url()}"' in html
    assert "测试城区" in html and three_shared.headline in html
    assert "杭州日报" in html
    article = next(item for item in items if item.kind == "article")
    assert article.date == Article.objects.get(pk=article.obj.pk).published_at
    programme = next(item for item in items if item.kind == "programme")
    assert programme.obj.district.slug == "ce-shi-cheng-qu"
    assert programme.date == Programme.objects.get(pk=programme.obj.pk).updated_at


def test_a_programme_page_lists_its_articles_once(client, db):
    """An article under 相关稿件 is not repeated under 相关内容; related articles
    the page does not list yet still are."""
    campaign = make_campaign()
    district = make_district(name="测试城区", slug="ce-shi-cheng-qu")
    programme = make_programme(campaign, district, items=0, tags=TAGS)
    own = make_article(title="举措自己的稿件", tags=TAGS, programmes=[programme])
    other = make_article(title="另一篇相关稿件", tags=TAGS[:1])

    keys, _ = related_to(programme, exclude_articles=[own.pk])
    assert keys == [("article", other.pk)]

    page = client.get(programme.get_absolute_url()).content.decode()
    listed, related = page.split('id="related-heading"')
    assert own.get_absolute_url() in listed
    assert own.get_absolute_url() not in related
    assert other.get_absolute_url() in related
