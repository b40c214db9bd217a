"""Small builders for test data; defaults give a valid, published row."""

import functools
import itertools

from django.utils import timezone

from articles.models import Article, ArticleSection, Byline, Campaign, Programme, ProgrammeItem
from core.richtext import html_from_paragraphs
from core.status import Status
from districts.models import District
from search.indexing import index_object, signals_paused

_numbers = itertools.count(1)


def make_district(**fields):
    n = next(_numbers)
    fields.setdefault("name", f"测试区{n}")
    return District.objects.create(**fields)


def make_campaign(**fields):
    n = next(_numbers)
    fields.setdefault("title", f"测试专题{n}")
    fields.setdefault("slug", f"test-campaign-{n}")
    fields.setdefault("year", 2021)
    fields.setdefault("status", Status.PUBLISHED)
    return Campaign.objects.create(**fields)


def indexed_once(build):
    """Build with the search signals paused, then index the result once."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with signals_paused():
            obj = build(*args, **kwargs)
        index_object(obj)
        return obj

    return wrapper


@indexed_once
def make_article(tags=(), districts=(), programmes=(), paragraphs=("正文第一段。",), **fields):
    n = next(_numbers)
    fields.setdefault("title", f"测试稿件{n}")
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timezone.timedelta(hours=n))
    fields.setdefault("source", "杭州日报")
    article = Article.objects.create(**fields)
    ArticleSection.objects.create(
        article=article, position=0, body=html_from_paragraphs(paragraphs)
    )
    Byline.objects.create(article=article, kind=Byline.Kind.AUTHOR, role="记者", name=f"作者{n}")
    if tags:
        article.tags.add(*tags)
    article.districts.add(*districts)
    article.programmes.add(*programmes)
    return article


@indexed_once
def make_programme(campaign, district, items=3, tags=(), **fields):
    n = next(_numbers)
    fields.setdefault("name", f"测试举措{n}")
    fields.setdefault("headline", f"以“测试举措{n}”开展学习")
    fields.setdefault("status", Status.PUBLISHED)
    programme = Programme.objects.create(campaign=campaign, district=district, **fields)
    ProgrammeItem.objects.bulk_create(
        ProgrammeItem(programme=programme, position=i, title=f"条目{i + 1}") for i in range(items)
    )
    if tags:
        programme.tags.add(*tags)
    return programme
