"""Atom and RSS feeds of published articles: all, per district, per tag.

Feeds read no query parameters; the slug in a feed's path is checked by the
URL pattern (see articles.query_forms for the rule on the other pages).
"""

import copy
import html
import logging

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator

from core.context_processors import absolute_url
from core.seo import DESCRIPTION_LENGTH
from districts.models import District
from images.renditions import rendition, renditions_for

from .models import Article
from .tags import visible_tags

logger = logging.getLogger(__name__)

FEED_LENGTH = 30
ENCLOSURE_SPEC = "w1024"


def plain_text(body_html):
    """The body's first words as plain text. strip_tags keeps character
    references (&lt;), so they are decoded here, before the one escape."""
    text = " ".join(html.unescape(strip_tags(body_html)).split())
    return Truncator(text).chars(DESCRIPTION_LENGTH)


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "zh-cn"
    kind = "rss"

    def title(self, obj=None):
        return settings.SITE_NAME if obj is None else f"{obj} - {settings.SITE_NAME}"

    def link(self, obj=None):
        return reverse("articles:article_list") if obj is None else obj.get_absolute_url()

    def description(self, obj=None):
        return f"{self.title(obj)}：最新新闻"

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj=None):
        items = list(
            self.articles(obj)
            .exclude(published_at__isnull=True)
            .select_related("lead_image")
            .prefetch_related("sections", "bylines", "tags", "corrections")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        # Every item's enclosure picture in one query, not one per item.
        try:
            renditions_for([item.lead_image for item in items], [ENCLOSURE_SPEC], ["jpeg"])
        except OSError:
            logger.exception("Feed enclosures: a picture's original could not be read")
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> are HTML to a feed
        # reader, and the summary is plain text an editor typed: escaped, a
        # "<img onerror=…>" in it is shown as those characters, never run.
        text = item.summary or plain_text(" ".join(s.body for s in item.sections.all()))
        # Corrections travel with the item, as they do on the page.
        notes = [
            f"{c.get_kind_display()}（{c.created_at:%Y-%m-%d}）：{c.note}"
            for c in item.corrections.all()
            if c.note
        ]
        return escape(" ".join([text, *notes]))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Readers are told of corrections and updates, not of typo fixes.
        return item.revised_at or item.published_at

    def item_author_name(self, item):
        return " ".join(byline.name for byline in item.authors) or item.source or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def get_feed(self, obj, request):
        # Enclosure URLs must be absolute and Django hands items no request; a
        # copy per call carries it (the feed object itself is shared by threads).
        this_call = copy.copy(self)
        this_call.request = request
        return Feed.get_feed(this_call, obj, request)

    def item_enclosures(self, item):
        # The 题图 travels with the item, as RSS readers show it.
        if item.lead_image is None:
            return []
        try:
            picture = rendition(item.lead_image, ENCLOSURE_SPEC, "jpeg")
            size = picture.file.size
        except OSError:
            # A picture whose files are gone is left out, not the whole feed
            # (check_media and check_links report it).
            logger.exception("Feed enclosure of article %s left out", item.pk)
            return []
        url = picture.url if "://" in picture.url else absolute_url(self.request, picture.url)
        return [Enclosure(url, str(size), "image/jpeg")]

    def item_guid(self, item):
        return f"article-{item.pk}"

    item_guid_is_permalink = False


class AtomArticleFeed(ArticleFeed):
    feed_type = Atom1Feed
    kind = "atom"
    subtitle = ArticleFeed.description


class DistrictFeedMixin:
    def get_object(self, request, slug):
        return get_object_or_404(District, slug=slug)

    def articles(self, obj):
        return Article.objects.published().filter(districts=obj)


class TagFeedMixin:
    def get_object(self, request, slug):
        # Like the tag page: a tag only drafts use has no feed.
        return get_object_or_404(visible_tags(), slug=slug)

    def title(self, obj=None):
        return f"标签：{obj.name} - {settings.SITE_NAME}"

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)


class DistrictRssFeed(DistrictFeedMixin, ArticleFeed):
    pass


class DistrictAtomFeed(DistrictFeedMixin, AtomArticleFeed):
    pass


class TagRssFeed(TagFeedMixin, ArticleFeed):
    pass


class TagAtomFeed(TagFeedMixin, AtomArticleFeed):
    pass
