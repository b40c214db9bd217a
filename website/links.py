"""The link checker behind `manage.py check_links`.

Internal pages are fetched in-process with django.test.Client (no server,
no network): the crawl starts at the home page and every URL of sitemap.xml,
follows each same-site link, picture, feed and attachment, and reports what
answers 404, 410 or 5xx. Redirects (an old article slug, an old attachment
name) are followed and count as working when their target works. /media/ and
/static/ URLs are asked of the storages (articles.links), since nginx serves
them in production and the test client cannot.

External links, with `external=True`, are checked over HTTP by a small pool
of threads, with a timeout, a user agent naming the site, and each host's
robots.txt honoured (a disallowed URL is skipped, never requested).
"""

import concurrent.futures
import socket
import threading
import urllib.error
import urllib.request
import urllib.robotparser
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

from django.conf import settings
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from articles.links import (
    internal_path,
    links_in_html,
    media_exists,
    media_name,
    path_problem,
    site_hosts,
    static_exists,
    static_name,
)
from articles.models import Article

MAX_PAGES = 5000
MAX_REDIRECTS = 5
# Paths robots.txt keeps crawlers out of (website.views.robots_txt): private
# or endless, never linked for readers.
SKIPPED_PREFIXES = ("/admin/", "/preview/", "/search")
BROKEN_STATUSES = (404, 410)


@dataclass
class Finding:
    url: str
    status: int | None
    reason: str
    kind: str  # "internal", "media", "static" or "external"
    pages: list = field(default_factory=list)


@dataclass
class Report:
    broken: list = field(default_factory=list)
    redirects: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # external URLs robots.txt disallows
    pages_crawled: int = 0
    links_checked: int = 0
    external_checked: int = 0
    truncated: bool = False
    page_info: dict = field(default_factory=dict)  # page path -> article details

    @property
    def failed(self):
        return bool(self.broken)

    def by_page(self):
        """{page: [Finding]} of the broken links, pages in order of discovery."""
        grouped = defaultdict(list)
        for finding in self.broken:
            # A start page (/, the sitemap's) that fails is listed under itself.
            for page in finding.pages or [finding.url]:
                grouped[page].append(finding)
        return grouped

    def as_dict(self):
        return {
            "broken": bool(self.broken),
            "counts": {
                "pages_crawled": self.pages_crawled,
                "links_checked": self.links_checked,
                "external_checked": self.external_checked,
                "broken": len(self.broken),
                "redirects": len(self.redirects),
                "skipped": len(self.skipped),
            },
            "truncated": self.truncated,
            "pages": [
                {
                    "page": page,
                    "article": self.page_info.get(page),
                    "links": [
                        {k: v for k, v in asdict(f).items() if k != "pages"} for f in findings
                    ],
                }
                for page, findings in self.by_page().items()
            ],
            "redirects": [asdict(f) for f in self.redirects],
            "skipped": [asdict(f) for f in self.skipped],
        }


def _site_host():
    if settings.SITE_URL:
        return urlsplit(settings.SITE_URL).netloc
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def _stored(path):
    """("media"|"static", exists) for a storage URL, None for other paths."""
    if (name := media_name(path)) is not None:
        return "media", media_exists(name)
    if (name := static_name(path)) is not None:
        return "static", static_exists(name)
    return None


def _crawlable(path):
    return not path.startswith(SKIPPED_PREFIXES)


class _Crawler:
    def __init__(self, max_pages):
        self.max_pages = max_pages
        self.client = Client(raise_request_exception=False, HTTP_HOST=_site_host())
        self.secure = settings.SITE_URL.startswith("https://")
        self.hosts = site_hosts() | {(urlsplit("//" + _site_host()).hostname or "").lower()}
        self.report = Report()
        self.results = {}  # path -> (status, reason, redirected_to)
        self.sources = defaultdict(list)  # url -> [page]
        self.queue = []
        self.queued = set()
        self.external = defaultdict(list)

    def fetch(self, path):
        response = self.client.get(path, secure=self.secure)
        if getattr(response, "streaming", False):
            # Attachments: the status is enough, the file is not read. Closed
            # as the test client closes its own responses, without the
            # request_finished handler that would drop the DB connection.
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)
        return response

    def run(self):
        self._enqueue("/")
        for path in self._sitemap_paths():
            if self._enqueue(path):
                self.sources[path].append("/sitemap.xml")
        while self.queue:
            if self.report.pages_crawled >= self.max_pages:
                self.report.truncated = True
                break
            path = self.queue.pop(0)
            self._crawl(path)
        return self.report

    def _enqueue(self, path):
        if path in self.queued or not _crawlable(path):
            return False
        self.queued.add(path)
        self.queue.append(path)
        return True

    def _sitemap_paths(self):
        response = self.fetch(reverse("sitemap"))
        if response.status_code != 200:
            return []
        locations = ElementTree.fromstring(response.content).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
        # Every entry is this site's, whatever host the sitemap names (the
        # request's, or the sites framework's domain): only the path counts.
        paths = (urlsplit((loc.text or "").strip()) for loc in locations)
        return [f"{p.path}?{p.query}" if p.query else p.path for p in paths if p.path]

    def _crawl(self, path):
        status, _reason, target, response = self._check(path, keep_response=True)
        self.report.pages_crawled += 1
        if response is None or status != 200:
            return
        if target != path:
            # A redirect: its target is the page whose links count.
            self._enqueue(target)
            return
        if "text/html" not in response.get("Content-Type", ""):
            return
        page = path
        for tag, _attribute, url, rel in links_in_html(response.content.decode("utf-8", "replace")):
            absolute = urljoin(f"http://{_site_host()}{page}", url)
            scheme = urlsplit(absolute).scheme
            if scheme not in ("http", "https"):
                continue
            link = internal_path(absolute, self.hosts)
            if link is None:
                self.external[absolute.split("#")[0]].append(page)
                continue
            if page not in self.sources[link]:
                self.sources[link].append(page)
            if link in self.results or link in self.queued:
                continue
            # A page is crawled and its links followed, except behind
            # rel="nofollow" (the reading tools' ?size= views of the same page):
            # checked, not followed, as robots do.
            if (
                tag == "a"
                and "nofollow" not in rel
                and media_name(link) is None
                and static_name(link) is None
            ):
                self._enqueue(link)
            else:
                self._check(link)

    def _check(self, path, keep_response=False):
        """(status, reason, final path, response) of `path`, remembered."""
        if path in self.results:
            status, reason, target = self.results[path]
            return status, reason, target, None
        response = None
        stored = _stored(path)
        if stored is not None:
            kind, ok = stored
            status, target = (200 if ok else 404), path
            reason = "" if ok else ("媒体文件缺失" if kind == "media" else "静态文件缺失")
        else:
            kind = "internal"
            status, reason, target, response = self._fetch_following(path)
        self.report.links_checked += 1
        self.results[path] = (status, reason, target)
        finding = Finding(path, status, reason, kind, self.sources[path])
        if reason:
            self.report.broken.append(finding)
        elif target != path:
            self.report.redirects.append(
                Finding(path, status, f"跳转到 {target}", kind, self.sources[path])
            )
        return status, reason, target, response if keep_response else None

    def _fetch_following(self, path):
        target = path
        for _ in range(MAX_REDIRECTS + 1):
            response = self.fetch(target)
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                location = urljoin(f"http://{_site_host()}{target}", response["Location"])
                following = internal_path(location, self.hosts)
                if following is None:
                    return status, "", location, None  # off-site redirect: checked no further
                stored = _stored(following)
                if stored is not None:  # e.g. /favicon.ico to its static file
                    ok = stored[1]
                    return (
                        (200, "", following, None) if ok else (404, "跳转目标缺失", following, None)
                    )
                target = following
                continue
            if status in BROKEN_STATUSES:
                # Say why where the object lookups know (a missing attachment
                # file, an unpublished article); only broken links pay for it.
                reason = path_problem(target) or "页面不存在"
                if target != path:
                    reason = f"跳转目标 {target}：{reason}"
                return status, reason, target, response
            if status >= 500:
                return status, "服务器错误", target, response
            return status, "", target, response
        return status, "跳转次数过多", target, None


def _name(user):
    # Chinese order, family name first and no space: 张小明.
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()


def _describe_pages(report):
    """Article details of every page with a broken link: title, admin URL and
    last editor, one query for all of them."""
    slugs = {}
    for page in report.by_page():
        try:
            match = resolve(page.split("?")[0])
        except Resolver404:
            continue
        if match.view_name == "articles:article_detail":
            slugs.setdefault(match.kwargs["slug"], []).append(page)
    articles = Article.objects.filter(slug__in=slugs).select_related("last_edited_by")
    for article in articles:
        editor = article.last_edited_by
        for page in slugs[article.slug]:
            report.page_info[page] = {
                "id": article.pk,
                "title": article.title,
                "admin_url": reverse("admin:articles_article_change", args=[article.pk]),
                "last_edited_by": _name(editor) if editor else None,
            }


# --- external links -------------------------------------------------------


def user_agent():
    site = settings.SITE_URL or f"http://{_site_host()}"
    return f"hzcms-link-checker/1.0 (+{site})"


class _ExternalChecker:
    def __init__(self, timeout, workers):
        self.timeout = timeout
        self.workers = workers
        self.agent = user_agent()
        self.robots = {}
        self.robots_lock = threading.Lock()
        self.host_locks = defaultdict(threading.Lock)

    def _open(self, url, method):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": self.agent})
        return urllib.request.urlopen(request, timeout=self.timeout)

    def _robots_for(self, url):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self.robots_lock:
            lock = self.host_locks[origin]
        # One fetch of robots.txt per host, even with many threads on that host.
        with lock:
            if origin in self.robots:
                return self.robots[origin]
            parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            try:
                with self._open(origin + "/robots.txt", "GET") as response:
                    parser.parse(response.read().decode("utf-8", "replace").splitlines())
            except urllib.error.HTTPError as exc:
                # As RobotFileParser.read() does: 401/403 forbid all, other errors allow all.
                if exc.code in (401, 403):
                    parser.disallow_all = True
                else:
                    parser.allow_all = True
            except (urllib.error.URLError, OSError, ValueError):
                parser.allow_all = True
            self.robots[origin] = parser
            return parser

    def check(self, url):
        """(status, reason, skipped) for one external URL."""
        if not self._robots_for(url).can_fetch(self.agent, url):
            return None, "robots.txt 不允许抓取", True
        try:
            try:
                with self._open(url, "HEAD") as response:
                    return response.status, "", False
            except urllib.error.HTTPError as exc:
                # Some servers refuse HEAD; ask again with GET before judging.
                if exc.code not in (405, 501):
                    raise
                with self._open(url, "GET") as response:
                    return response.status, "", False
        except urllib.error.HTTPError as exc:
            return exc.code, f"HTTP {exc.code}", False
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return None, "超时", False
            if isinstance(exc.reason, socket.gaierror):
                return None, "域名无法解析", False
            return None, f"无法连接：{exc.reason}", False
        except TimeoutError:
            return None, "超时", False
        except (OSError, ValueError) as exc:
            return None, f"无法连接：{exc}", False

    def run(self, urls, report):
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.workers) as pool:
            results = dict(zip(urls, pool.map(self.check, urls), strict=True))
        for url, (status, reason, skipped) in results.items():
            finding = Finding(url, status, reason, "external", urls[url])
            if skipped:
                report.skipped.append(finding)
            elif reason:
                report.broken.append(finding)
            report.external_checked += not skipped


def check_links(external=False, max_pages=MAX_PAGES, timeout=10.0, workers=4):
    """Crawl the public site and return a Report."""
    crawler = _Crawler(max_pages)
    report = crawler.run()
    if external and crawler.external:
        urls = {url: list(dict.fromkeys(pages)) for url, pages in crawler.external.items()}
        _ExternalChecker(timeout, workers).run(urls, report)
    _describe_pages(report)
    return report
