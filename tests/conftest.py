import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SEED = Path(settings.CONTENT_DIR) / "2021" / "articles" / "000_7cfd02887c454dd1.txt"


@pytest.fixture
def seed_path():
    return SEED


@pytest.fixture
def content(db):
    """The shipped 2021 content, loaded as `make run` loads it."""
    call_command("load_content", verbosity=0)


@pytest.fixture
def districts(db):
    """The report's three districts with their aliases, without the rest of the content."""
    from districts.models import District, DistrictAlias

    shangcheng = District.objects.create(name="上城区", slug="shangcheng")
    jianggan = District.objects.create(name="江干区", slug="jianggan")
    binjiang = District.objects.create(name="高新区(滨江)", slug="gaoxin-binjiang")
    for alias in ["高新区（滨江）", "滨江区", "高新区"]:
        DistrictAlias.objects.create(district=binjiang, name=alias)
    return shangcheng, jianggan, binjiang


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (its own browser download does not work here)."""
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
