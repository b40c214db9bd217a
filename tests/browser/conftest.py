"""Debian's chromium through Playwright, and the running site it visits.

Every test here is marked `browser` and skips, saying why, where
/usr/bin/chromium is missing (`.ci/run` installs it).
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (its own browser download does not work here)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium); browser tests skipped"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between browser steps are still plain synchronous code. Only for
    # these tests: subprocesses that later tests start inherit the environment.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    """The running site with the 2021 content, for browser tests."""
    call_command("load_content", verbosity=0)
    return live_server.url


@pytest.fixture
def new_context(browser):
    """Opens browser contexts as a reader in Hangzhou has them; closes them after the test."""
    contexts = []

    def open_context(width=1280):
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def new_page(new_context):
    def open_page(width=1280):
        return new_context(width).new_page()

    return open_page
