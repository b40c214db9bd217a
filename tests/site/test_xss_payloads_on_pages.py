"""No script survives: XSS payloads typed into body, title and tags through the
admin never reach any public page or the admin list as active markup."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article
from core.status import Status
from tests.admin_helpers import admin_url, form_data, login_as
from tests.site.xss_payloads import PAYLOADS

_URL_ATTRIBUTES = {"href", "src", "action", "data", "formaction", "xlink:href"}
_NEVER = {"iframe", "object", "embed", "svg", "math", "base", "frame", "frameset"}
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")


class _ActiveMarkup(HTMLParser):
    """Collects every piece of markup a browser would act on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_script = False
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in _URL_ATTRIBUTES and value and not _is_qr_code(tag, attributes):
                squashed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squashed.startswith(_SCRIPT_SCHEMES):
                    self.found.append(f"<{tag} {name}={value!r}>")
        if tag in _NEVER:
            self.found.append(f"<{tag}>")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag == "script":
            src = attributes.get("src") or ""
            if src and not src.startswith("/static/"):
                self.found.append(f"<script src={src!r}>")
            self._in_json_ld = attributes.get("type") == "application/ld+json"
            self._in_script = not src and not self._in_json_ld

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = self._in_json_ld = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:40]}")
        if self._in_json_ld:
            # Data, never run; a payload that ended the element early would
            # leave a broken JSON document behind.
            try:
                json.loads(data)
            except ValueError:
                self.found.append(f"<script type=application/ld+json>{data[:40]}")


def _is_qr_code(tag, attributes):
    """The article's 手机扫码阅读 code: an SVG data URI the site draws itself
    (no body markup can hold an <img>, and SVG in an <img> runs no script)."""
    return (
        tag == "img"
        and attributes.get("class") == "qr-code"
        and (attributes.get("src") or "").startswith("data:image/svg+xml;")
    )


def assert_inert(html, context):
    parser = _ActiveMarkup()
    parser.feed(html)
    assert not parser.found, f"active markup in {context}: {parser.found}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_body_title_and_tags_is_inert_everywhere(client, content, payload):
    login_as(client, "publisher")
    article = Article.objects.get(title__startswith="上城江干滨江")
    page = client.get(admin_url(Article, "change", article.pk))
    data = form_data(page)
    data["title"] = f"标题{payload}"
    data["tags"] = f"党史学习教育，标签{payload[:60]}"
    data["sections-1-body"] = f"<p>正文</p>{payload}<p>结尾</p>"
    data["change_kind"] = "technical"
    response = client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    stored = article.sections.get(position=1).body
    assert_inert(stored, "the stored body")

    client.logout()
    pages = [
        article.get_absolute_url(),
        reverse("website:campaign_report", args=[article.campaign.slug]),
        reverse("home"),
        reverse("articles:article_list"),
        reverse("articles:tag_index"),
        *[tag.get_absolute_url() for tag in article.tags.all()],
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert_inert(html, url)
    login_as(client, "newsroom")
    changelist = client.get(admin_url(Article, "changelist")).content.decode()
    results = changelist[changelist.index('<table id="result_list">') :]
    assert_inert(results[: results.index("</table>")], "the admin list")
