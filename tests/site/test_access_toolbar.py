"""The 无障碍 toolbar as the server sends it: on every public page, in the header
band, its script in <head> (not deferred, so the reader's modes are set before
the first paint), and the same bytes for every reader: its modes live in the
browser, so the shared page cache still serves one copy per font size and
nothing new varies. The browser side is tests/browser/test_access_toolbar_in_chromium.py."""

import re

import pytest
from django.test import Client

from tests.site.test_html_valid import public_pages

SCRIPT = re.compile(r'<script src="/static/js/access\.js"></script>')


def head_and_body(html):
    head, _, body = html.partition("</head>")
    return head, body


def test_every_public_page_has_the_toolbar_in_its_header(client, content):
    pages = {**public_pages(), "not-found": "/articles/no-such-article/"}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "not-found" else 200), name
        head, body = head_and_body(response.content.decode())
        assert len(SCRIPT.findall(head)) == 1, name
        assert body.count("data-access-bar") == 1, name
        header = body.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
        assert "data-access-bar" in header, name
        for label in ("大字", "高对比度", "加大行距", "大鼠标", "朗读全文", "暂停", "停止"):
            assert f">{label}</button>" in header, (name, label)
        # Nothing of the reader's choice comes from the server.
        assert "a11y-" not in body.split("<body", 1)[0], name


def test_large_type_button_follows_the_font_size_cookie(client, content):
    article = public_pages()["article"]
    pressed = re.compile(r'data-access-size aria-pressed="(\w+)"')
    assert pressed.search(client.get(article).content.decode())[1] == "false"
    client.cookies["fontsize"] = "large"
    assert pressed.search(client.get(article).content.decode())[1] == "true"


@pytest.mark.parametrize("name", ["home", "article", "report"])
def test_pages_with_the_toolbar_are_still_served_from_the_page_cache(transactional_db, name):
    from django.core.management import call_command

    call_command("load_content", verbosity=0)
    url = public_pages()[name]
    reader = Client()
    first = reader.get(url)
    assert first.headers["X-Page-Cache"] in {"miss", "hit"}
    second = reader.get(url)
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert b"data-access-bar" in second.content
    # No cookie and nothing new to vary on (the language negotiation's own
    # Accept-Language aside): one copy for every reader, whatever their modes.
    varies = {v.strip().lower() for v in second.headers.get("Vary", "").split(",") if v.strip()}
    assert varies <= {"accept-language", "accept-encoding"}, varies
    assert not second.cookies
