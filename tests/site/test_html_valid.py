"""Every public page is valid HTML by the W3C's Nu HTML checker (vnu).

The checker is the exact version pinned in bench/package.json (npm package
vnu-jar, installed by `npm ci --prefix bench` into bench/node_modules, which
git ignores) and needs Java 11 or later; without either the test skips and
says which is missing. The pages are rendered by Django's test client and
checked in one run of the checker: starting Java once per page would cost
more than the checking. Feeds and the sitemap are XML, not HTML: not here.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article
from tests.core.test_site_identity import IDENTITY as SITE_IDENTITY

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "bench" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def public_pages():
    """The public pages, one of each kind, by name. The browser tests
    (tests/browser/test_layout_in_chromium.py) take their pages from here too."""
    article = Article.objects.get(title__startswith="上城江干滨江")
    return {
        "home": reverse("home"),
        "report": "/campaigns/2021-dang-shi-xue-xi-jiao-yu/",
        "article": article.get_absolute_url(),
        "district": "/districts/jianggan/",
        "programme": "/programmes/qi-da-ke-cheng/",
        "tag": "/tags/dang-shi-xue-xi-jiao-yu/",
        "search": "/search/?q=院士讲堂",
        # Only checked here: the other kinds of page.
        "search-empty": "/search/?q=月球基地",
        "search-form": reverse("search"),
        "list": "/articles/?district=jianggan",
        "districts": reverse("website:district_list"),
        "district-merged-into": "/districts/shangcheng/",
        "tags": reverse("articles:tag_index"),
        "large-type": article.get_absolute_url() + "?size=large",
    }


def vnu_command():
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java (apt-get install default-jre-headless): the Nu HTML checker needs it")
    if not VNU_JAR.exists():
        pytest.skip(
            f"the Nu HTML checker is not installed ({VNU_JAR.relative_to(ROOT)} is missing): "
            "npm ci --prefix bench"
        )
    # --exit-zero-always: the messages, not the exit status, say what is wrong.
    return [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]


def test_public_pages_have_no_html_errors(client, content, tmp_path, settings):
    command = vnu_command()
    # The footer with every identity item the settings can give.
    for name, value in SITE_IDENTITY.items():
        setattr(settings, name, value)
    files = {}
    for name, url in {**public_pages(), "not-found": "/no/such/page/"}.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = url

    result = subprocess.run(
        [*command, *(str(path) for path in sorted(tmp_path.glob("*.html")))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # The JSON report goes to stderr.
    messages = json.loads(result.stderr)["messages"]
    # Each message names its file by a file: URL; the page's address says more.
    errors = [
        f"{files.get(m.get('url', '').rpartition('/')[2], m.get('url'))}:"
        f"{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)
    # Every page was read: a file the checker could not open would be a
    # non-document error above, but a missing report for one would be silent.
    assert len(files) == len(public_pages()) + 1


def test_favicon_is_linked_and_served_at_the_root(client, content):
    """Browsers ask for /favicon.ico whatever the page links; iOS takes the
    180×180 apple-touch-icon; both are static files (deploy/favicons.py)."""
    page = client.get(reverse("home")).content.decode()
    for link in ('rel="icon" href="/static/favicon.svg"', 'rel="apple-touch-icon"'):
        assert link in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/favicon")
    assert response["Location"].endswith(".ico")
