"""Broken internal links of one article, found without HTTP.

The admin warns about them when an article is saved, and website's crawler
(`manage.py check_links`) reuses the path checks below for media and static
URLs, which an in-process crawl cannot fetch (nginx serves them in
production). An internal path is resolved with django.urls and the object it
names is looked up the way its view would, so a link to a deleted or
unpublished article, a missing attachment file or a missing picture is caught
while the editor still has the form open.
"""

import logging
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.urls import Resolver404, resolve

from core.richtext import figure_ids
from districts.models import District
from documents.models import Document
from images.models import Image

from .models import Article, ArticleRedirect, Campaign, Programme
from .tags import visible_tags

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinkProblem:
    url: str
    reason: str


class _LinkParser(HTMLParser):
    """Every href and src (and srcset candidate) in a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []

    def handle_starttag(self, tag, attrs):
        rel = set((dict(attrs).get("rel") or "").lower().split())
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.links.append((tag, name, value.strip(), rel))
            elif name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.links.append((tag, name, url, rel))


def links_in_html(html):
    """[(tag, attribute, url, rel words)] in document order."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links


def site_hosts():
    """Host names that mean "this site" in an absolute link."""
    hosts = {h.lstrip(".").lower() for h in settings.ALLOWED_HOSTS if h and h != "*"}
    site_url = getattr(settings, "SITE_URL", "")
    if site_url:
        hosts.add((urlsplit(site_url).hostname or "").lower())
    hosts.discard("")
    return hosts


def internal_path(url, hosts=None):
    """The path (with query) of `url` if it points into this site, else None.
    Relative links count as internal; mailto:, tel:, javascript: and
    fragment-only links are not links to check."""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc:
        if (parts.hostname or "").lower() not in (site_hosts() if hosts is None else hosts):
            return None
    elif not parts.path:
        return None
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return f"{path}?{parts.query}" if parts.query else path


def _under(path, prefix):
    prefix = prefix if prefix.startswith("/") else "/" + prefix
    return prefix != "/" and path.startswith(prefix)


def media_name(path):
    """The storage name of a /media/ path, or None for other paths."""
    if settings.MEDIA_URL.startswith(("http://", "https://")):
        return None
    if not _under(path, settings.MEDIA_URL):
        return None
    prefix = settings.MEDIA_URL if settings.MEDIA_URL.startswith("/") else "/" + settings.MEDIA_URL
    return unquote(path.split("?")[0][len(prefix) :])


def media_exists(name):
    # Asked of the storage (local disk or S3), never of a path on disk.
    return bool(name) and default_storage.exists(name)


def static_name(path):
    if not _under(path, settings.STATIC_URL):
        return None
    prefix = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    )
    return unquote(path.split("?")[0][len(prefix) :])


def static_exists(name):
    # Collected files (hashed names) in production, app folders in development.
    try:
        if staticfiles_storage.exists(name):
            return True
    except Exception:  # a storage without a collected tree (development) still has finders
        pass
    return bool(finders.find(name))


def _article_problem(slug):
    if Article.objects.published().filter(slug=slug).exists():
        return None
    redirect = ArticleRedirect.objects.filter(old_slug=slug).select_related("article").first()
    if redirect and redirect.article.is_public:
        return None  # the old URL answers 301 to the article
    return "稿件不存在或未公开"


def _document_problem(pk):
    document = Document.objects.filter(pk=pk).only("file").first()
    if document is None:
        return "附件不存在"
    if not media_exists(document.file.name):
        return "附件文件缺失"
    return None


# URL name -> what is wrong with the object its kwargs name (None: nothing).
# Routes not listed answer for themselves (lists, the home page, feeds).
_LOOKUPS = {
    "articles:article_detail": lambda kw: _article_problem(kw["slug"]),
    "articles:tag_detail": lambda kw: (
        None if visible_tags().filter(slug=kw["slug"]).exists() else "标签不存在或未公开"
    ),
    "website:district_detail": lambda kw: (
        None if District.objects.filter(slug=kw["slug"]).exists() else "城区不存在"
    ),
    "website:programme_detail": lambda kw: (
        None
        if Programme.objects.published().filter(slug=kw["slug"]).exists()
        else "举措不存在或未公开"
    ),
    "website:campaign_report": lambda kw: (
        None
        if Campaign.objects.published().filter(slug=kw["slug"]).exists()
        else "专题不存在或未公开"
    ),
    "documents:download": lambda kw: _document_problem(kw["pk"]),
    "documents:download_by_id": lambda kw: _document_problem(kw["pk"]),
}


def path_problem(path):
    """Why the internal `path` would not answer, or None when it would."""
    name = media_name(path)
    if name is not None:
        return None if media_exists(name) else "媒体文件缺失"
    name = static_name(path)
    if name is not None:
        return None if static_exists(name) else "静态文件缺失"
    try:
        match = resolve(unquote(path.split("?")[0]))
    except Resolver404:
        return "网址不存在"
    lookup = _LOOKUPS.get(match.view_name)
    return lookup(match.kwargs) if lookup else None


def _image_problem(image):
    if image is None:
        return "图片不存在"
    return None if media_exists(image.file.name) else "图片文件缺失"


def broken_links(article):
    """[LinkProblem] for the saved `article`: body links and pictures, the lead
    picture and attachments. One query per distinct link at most, plus a few
    for the article's own sections, figures and attachments."""
    problems = []
    hosts = site_hosts()
    seen = set()
    figures = set()
    for section in article.sections.all():
        for _tag, _attribute, url, _rel in links_in_html(section.body):
            path = internal_path(url, hosts)
            if path is None or path in seen:
                continue
            seen.add(path)
            if reason := path_problem(path):
                problems.append(LinkProblem(url, reason))
        figures.update(figure_ids(section.body))
    if figures:
        images = Image.objects.only("file").in_bulk(figures)
        for pk in sorted(figures):
            if reason := _image_problem(images.get(pk)):
                problems.append(LinkProblem(f"正文图片 #{pk}", reason))
    if article.lead_image_id:
        lead = Image.objects.only("file").filter(pk=article.lead_image_id).first()
        if reason := _image_problem(lead):
            problems.append(LinkProblem(f"题图 #{article.lead_image_id}", reason))
    for document in article.attachments.only("title", "file", "kind"):
        if not media_exists(document.file.name):
            problems.append(
                LinkProblem(document.get_absolute_url(), f"附件“{document.title}”文件缺失")
            )
    return problems


def broken_links_on_save(article):
    """broken_links() for the admin's warning: a failing storage (S3 down) or
    any other error is logged and yields nothing, since the warning runs inside
    the save's transaction and must never undo the save."""
    try:
        return broken_links(article)
    except Exception:
        logger.exception("Link check of article %s failed", article.pk)
        return []
