"""The 导入稿件 page in a real browser: an editor opens it from the article
list, drops two files on it (the seed report with a new title, and a file
that is no article), reads the preview, confirms and finds the new draft; on
a phone the same table reads as one card per file, warnings included.

Screenshots go to screenshots/import-page-*.png.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.models import Article
from core.status import Status
from tests.admin_helpers import make_user
from tests.browser.test_editors_in_chromium import log_in
from tests.conftest import SEED, SEED_TITLE

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
BROKEN = "坏文件.txt"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")


def changed_seed(title):
    return SEED.read_text(encoding="utf-8").replace(SEED_TITLE, title, 1)


def drop_files(page, files):
    """Drop `files` ({name: text or bytes}) on the drop zone as a file manager would."""
    payload = [
        {"name": name, "bytes": list(data.encode("utf-8") if isinstance(data, str) else data)}
        for name, data in files.items()
    ]
    transfer = page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const file of files) {
                transfer.items.add(new File([new Uint8Array(file.bytes)], file.name,
                                            {type: "text/plain"}));
            }
            return transfer;
        }""",
        payload,
    )
    page.dispatch_event("[data-import-drop]", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("[data-import-drop]", "drop", {"dataTransfer": transfer})


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_an_editor_imports_dropped_files_after_a_preview(site, new_page):
    make_user("editor", group="新闻编辑")
    title = "上城江干滨江动员部署党史学习教育——导入测试稿"
    page = new_page(1280)
    log_in(page, site, "editor")
    page.goto(f"{site}/admin/articles/article/")
    page.get_by_role("link", name="导入稿件").click()
    page.wait_for_url(f"{site}/admin/articles/article/import/")
    expect(page.locator("h1")).to_have_text("导入稿件")

    drop_files(page, {SEED.name: changed_seed(title), BROKEN: b"\x00\x01 binary"})
    expect(page.locator("[data-import-chosen] li")).to_have_count(2)
    screenshot(page, "import-page-upload-1280.png")

    page.get_by_role("button", name="上传并预览").click()
    rows = page.locator(".import-files tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("新建")
    expect(rows.nth(0)).to_contain_text(title)
    expect(rows.nth(0)).to_contain_text("2021-03-11 07:23")
    expect(rows.nth(1)).to_contain_text("失败")
    expect(page.locator(".import-intro")).to_contain_text("还没有写入任何内容")
    assert not Article.objects.filter(title=title).exists()
    screenshot(page, "import-page-preview-1280.png")

    page.get_by_role("button", name="确认导入（1 个文件）").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已导入 1 篇稿件")
    expect(rows.nth(0)).to_contain_text("已新建")
    expect(rows.nth(1)).to_contain_text("失败")
    screenshot(page, "import-page-result-1280.png")

    article = Article.objects.get(title=title)
    assert article.status == Status.DRAFT
    page.get_by_role("link", name=title).click()
    page.wait_for_url(f"{site}/admin/articles/article/{article.pk}/change/")


def test_the_page_fits_a_phone(site, new_page):
    make_user("editor", group="新闻编辑")
    title = "上城江干滨江动员部署党史学习教育——手机导入测试稿"
    page = new_page(390)
    log_in(page, site, "editor")
    page.goto(f"{site}/admin/articles/article/import/")
    page.set_input_files(
        "input[type=file]",
        files=[
            # Saved by an old Windows editor: imported, with a warning saying so.
            {
                "name": SEED.name,
                "mimeType": "text/plain",
                "buffer": changed_seed(title).encode("gb18030"),
            },
            {"name": BROKEN, "mimeType": "text/plain", "buffer": b"\x00\x01 binary"},
        ],
    )
    expect(page.locator("[data-import-chosen] li")).to_have_count(2)
    screenshot(page, "import-page-upload-390.png")
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-files tbody tr")).to_have_count(2)
    expect(page.locator(".import-warnings li").first).to_contain_text("按 GB18030 解码")
    # Nothing wider than the screen: the table became cards.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "import-page-preview-390.png")
    page.get_by_role("button", name="确认导入（1 个文件）").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已导入 1 篇稿件")
    screenshot(page, "import-page-result-390.png")
    assert Article.objects.get(title=title).status == Status.DRAFT
