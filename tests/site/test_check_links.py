"""`manage.py check_links`: broken internal links, attachments and media found
by crawling the site in-process, external links checked against a local HTTP
server, and the warning an editor gets on saving an article with broken links."""

import http.server
import io
import json
import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleSection
from documents.models import Document
from documents.validation import check_upload
from images.models import Rendition
from tests.admin_helpers import admin_url, form_data, login_as, make_user
from tests.documents.files import pdf_bytes, upload
from tests.factories import make_article
from tests.images.conftest import make_image

pytestmark = pytest.mark.django_db

SITE = "www.example.gov.cn"


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    """A site with a name of its own (so 127.0.0.1 is "another site") and an
    empty media folder per test."""
    settings.ALLOWED_HOSTS = [SITE, "testserver"]
    settings.SITE_URL = f"http://{SITE}"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    settings.CLAMD_SOCKET = ""


def run(*args):
    """(exit status, output) of check_links."""
    out = io.StringIO()
    try:
        call_command("check_links", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def run_json(*args):
    status, output = run("--json", *args)
    return status, json.loads(output)


def linking_to(href, **fields):
    """A published article whose body links to `href`."""
    article = make_article(**fields)
    ArticleSection.objects.filter(article=article).update(
        body=f'<p>详见<a href="{href}">相关报道</a>。</p>'
    )
    return article


def broken_urls(report):
    return {link["url"]: link for page in report["pages"] for link in page["links"]}


def test_a_clean_site_passes_with_exit_status_0():
    make_article()
    status, output = run()
    assert status == 0, output
    assert "失效 0 个" in output


def test_a_deleted_article_is_reported_on_the_page_with_title_and_last_editor():
    editor = make_user("zhang", superuser=True)
    editor.first_name = "小明"
    editor.last_name = "张"
    editor.save()
    target = make_article(title="将被删除的稿件")
    url = target.get_absolute_url()
    source = linking_to(url, title="引用旧稿的稿件")
    Article.objects.filter(pk=source.pk).update(last_edited_by=editor)
    target.delete()

    status, report = run_json()

    assert status == 1
    assert report["broken"] is True and report["counts"]["broken"] >= 1
    page = next(p for p in report["pages"] if p["page"] == source.get_absolute_url())
    assert page["article"]["title"] == "引用旧稿的稿件"
    assert page["article"]["admin_url"] == admin_url(Article, "change", source.pk)
    assert page["article"]["last_edited_by"] == "张小明"
    assert {"url": url, "status": 404, "reason": "稿件不存在或未公开", "kind": "internal"} in page[
        "links"
    ]

    status, text = run()
    assert status == 1
    assert f"页面 {source.get_absolute_url()}" in text and "稿件：引用旧稿的稿件" in text
    assert f"✗ {url}  [404]" in text


def test_a_renamed_slug_redirects_and_is_not_broken(client):
    target = make_article(slug="old-name")
    linking_to("/articles/old-name/")
    target.slug = "new-name"
    target.save()
    assert client.get("/articles/old-name/", HTTP_HOST=SITE).status_code == 301

    status, report = run_json()

    assert status == 0, report["pages"]
    assert "/articles/old-name/" not in broken_urls(report)
    redirect = next(r for r in report["redirects"] if r["url"] == "/articles/old-name/")
    assert redirect["reason"] == "跳转到 /articles/new-name/"


def test_a_missing_attachment_file_is_broken():
    file = upload("方案.pdf", pdf_bytes())
    document = Document(title="实施方案")
    document.store(file, check_upload(file))
    article = make_article(title="带附件的稿件")
    article.attachments.add(document)
    default_storage.delete(document.file.name)

    status, report = run_json()

    assert status == 1
    link = broken_urls(report)[document.get_absolute_url()]
    assert link == {
        "url": document.get_absolute_url(),
        "status": 404,
        "reason": "附件文件缺失",
        "kind": "internal",
    }
    page = next(p for p in report["pages"] if p["page"] == article.get_absolute_url())
    assert page["article"]["title"] == "带附件的稿件"


def test_a_lead_image_whose_files_are_gone_is_broken(client):
    image = make_image(title="题图")
    article = make_article(title="有题图的稿件", lead_image=image)
    # Pages show renditions, made on first view; their files then go missing.
    assert client.get(article.get_absolute_url(), HTTP_HOST=SITE).status_code == 200
    for name in Rendition.objects.filter(image=image).values_list("file", flat=True):
        default_storage.delete(name)

    status, report = run_json()

    assert status == 1
    media = [link for link in broken_urls(report).values() if link["kind"] == "media"]
    assert media and all(link["reason"] == "媒体文件缺失" for link in media)
    page = next(p for p in report["pages"] if p["page"] == article.get_absolute_url())
    assert any(link["kind"] == "media" for link in page["links"])


# --- external links ----------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    seen = None  # [(method, path)], set per server
    agents = []  # the User-Agent of every request, emptied per server

    def _answer(self, body=True):
        self.seen.append((self.command, self.path))
        self.agents.append(self.headers["User-Agent"])
        if self.path == "/robots.txt":
            status, text = 200, "User-agent: *\nDisallow: /private/\n"
        elif self.path == "/ok":
            status, text = 200, "ok"
        elif self.path == "/no-head":
            status, text = (405, "") if self.command == "HEAD" else (200, "ok")
        elif self.path == "/slow":
            time.sleep(1.5)
            status, text = 200, "late"
        else:
            status, text = 404, "not found"
        data = text.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)
        except OSError:
            pass  # the checker gave up on /slow already

    def do_GET(self):
        self._answer()

    def do_HEAD(self):
        self._answer(body=False)

    def log_message(self, *args):
        pass


@pytest.fixture
def outside_site():
    """A local HTTP server standing in for other sites; stopped after the test."""
    seen = []
    _Handler.agents.clear()
    handler = type("Handler", (_Handler,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_external_links_are_checked_only_with_external(outside_site):
    base, seen = outside_site
    article = make_article(title="外链稿件")
    ArticleSection.objects.filter(article=article).update(
        body="".join(
            f'<p><a href="{base}{path}">{path}</a></p>'
            for path in ("/ok", "/no-head", "/missing", "/slow", "/private/page")
        )
    )

    status, report = run_json()
    assert status == 0 and report["counts"]["external_checked"] == 0
    assert seen == []

    status, report = run_json("--external", "--timeout", "0.5", "--workers", "2")

    assert status == 1
    broken = broken_urls(report)
    assert broken[f"{base}/missing"]["status"] == 404
    assert broken[f"{base}/missing"]["reason"] == "HTTP 404"
    assert broken[f"{base}/slow"]["reason"] == "超时"
    assert f"{base}/ok" not in broken and f"{base}/no-head" not in broken
    assert [s["url"] for s in report["skipped"]] == [f"{base}/private/page"]
    assert report["counts"]["external_checked"] == 4
    assert not any(path.startswith("/private/") for _method, path in seen)
    assert seen.count(("GET", "/robots.txt")) == 1
    assert ("GET", "/no-head") in seen
    page = next(p for p in report["pages"] if p["page"] == article.get_absolute_url())
    assert page["article"]["title"] == "外链稿件"


def test_external_requests_name_the_checker(outside_site):
    base, _seen = outside_site
    linking_to(f"{base}/ok")
    status, _report = run_json("--external")
    assert status == 0
    assert set(_Handler.agents) == {f"hzcms-link-checker/1.0 (+http://{SITE})"}


# --- the warning on save -------------------------------------------------------


def test_saving_an_article_warns_about_its_broken_links(client):
    login_as(client, "superuser")
    gone = make_article(title="已删除的稿件")
    gone_url = gone.get_absolute_url()
    gone.delete()
    article = make_article(title="正在编辑的稿件")
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "change_kind": "technical"}
    body_field = next(k for k in data if k.startswith("sections-") and k.endswith("-body"))
    data[body_field] = (
        f'<p><a href="{gone_url}">旧稿</a>、<a href="/no-such-page/">无此页</a>、'
        '<a href="/articles/">稿件列表</a>、<a href="https://www.hangzhou.gov.cn/">外链</a></p>'
    )

    response = client.post(admin_url(Article, "change", article.pk), data, follow=True)

    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1, warnings
    assert "2 处失效链接" in warnings[0]
    assert f"{gone_url}（稿件不存在或未公开）" in warnings[0]
    assert "/no-such-page/（网址不存在）" in warnings[0]
    # The save went through all the same.
    assert gone_url in ArticleSection.objects.get(article=article).body


def test_saving_an_article_with_good_links_does_not_warn(client):
    login_as(client, "superuser")
    other = make_article(title="另一篇")
    article = linking_to(other.get_absolute_url())
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "change_kind": "technical"}

    response = client.post(admin_url(Article, "change", article.pk), data, follow=True)

    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_max_pages_stops_the_crawl_and_says_so():
    make_article()
    status, report = run_json("--max-pages", "1")
    assert status == 0
    assert report["truncated"] is True and report["counts"]["pages_crawled"] == 1


def test_broken_links_of_one_article_without_http(client):
    """What the save warning lists: body links, body pictures, the lead picture
    and attachments, each looked up without fetching anything."""
    from articles.links import broken_links
    from core.richtext import figure_html

    lead = make_image(title="题图")
    figure = make_image(title="正文图")
    file = upload("方案.pdf", pdf_bytes())
    document = Document(title="实施方案")
    document.store(file, check_upload(file))
    other = make_article(slug="still-here")
    renamed = make_article(slug="before")
    renamed.slug = "after"
    renamed.save()
    article = make_article(lead_image=lead)
    article.attachments.add(document)
    ArticleSection.objects.filter(article=article).update(
        body=(
            f'<p><a href="{other.get_absolute_url()}">在</a><a href="/articles/before/">旧名</a>'
            f'<a href="http://{SITE}/articles/gone/">绝对地址</a><a href="/files/99999/x.pdf">无附件</a>'
            '<a href="/media/nowhere.jpg">无文件</a><a href="https://example.com/">外链</a>'
            '<a href="mailto:a@example.com">邮件</a><a href="#top">锚点</a></p>'
            f"{figure_html(figure.pk)}{figure_html(987654)}"
        )
    )
    for name in (lead.file.name, figure.file.name, document.file.name):
        default_storage.delete(name)

    problems = {(p.url, p.reason) for p in broken_links(article)}

    assert problems == {
        (f"http://{SITE}/articles/gone/", "稿件不存在或未公开"),
        ("/files/99999/x.pdf", "附件不存在"),
        ("/media/nowhere.jpg", "媒体文件缺失"),
        (f"正文图片 #{figure.pk}", "图片文件缺失"),
        ("正文图片 #987654", "图片不存在"),
        (f"题图 #{lead.pk}", "图片文件缺失"),
        (document.get_absolute_url(), "附件“实施方案”文件缺失"),
    }


def test_a_failing_link_check_never_undoes_the_save(client, monkeypatch):
    def fail(article):
        raise OSError("storage unreachable")

    monkeypatch.setattr("articles.links.broken_links", fail)
    login_as(client, "superuser")
    article = make_article(title="存储故障时保存")
    page = client.get(admin_url(Article, "change", article.pk))
    data = {**form_data(page), "change_kind": "technical", "title": "存储故障时仍能保存"}

    response = client.post(admin_url(Article, "change", article.pk), data, follow=True)

    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == "存储故障时仍能保存"
