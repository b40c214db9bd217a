"""Word files (.docx) import as text files do, and their photos go into the
image library with caption and credit, where they stood in the text."""

import io
import zipfile

import docx
import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from PIL import ExifTags
from PIL import Image as PILImage

from articles.models import Article, SectionImage
from core.richtext import figure_html, figure_ids
from images.models import Image
from importing import files
from importing.files import collect_paths
from importing.importer import Importer
from importing.parser import ArticleFormatError, parse_article
from importing.photo_credits import reads_as_caption, split_credit
from importing.report import CREATED, FAILED, UNCHANGED, UPDATED, ImportOptions
from importing.word import read_word
from importing.writing import ArticleWriter
from tests.images.conftest import exif_with_gps, picture_bytes

TITLE = "上城江干滨江动员部署党史学习教育"
DATE = "发布时间:2021-03-11 07:23:49"
LEAD = "杭州日报讯 3月10日，上城区召开党史学习教育动员部署会。"
SECOND = "会议强调，要以昂扬姿态开启奋斗新征程，推动党史学习教育走深走实。"
CAPTION = "图为上城区党员在红色展馆参观学习"
FOOTER = "来源:杭州日报 作者:记者 李婷婷 编辑:高婷婷"
SLOGAN = "奋斗百年路 启航新征程"
LABELS = frozenset({"上城区", "江干区", "高新区(滨江)"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test stores its files in an empty folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def gps_jpeg(size=(80, 60), color=(200, 30, 30)):
    """A JPEG whose EXIF carries a GPS position and a camera make."""
    return picture_bytes(size=size, color=color, exif=exif_with_gps(orientation=1))


def word_file(path, items):
    """Write a .docx of `items`: a string is a paragraph, ("heading", text) a
    Heading 2 paragraph, ("photo", bytes) a picture in a paragraph of its own."""
    document = docx.Document()
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
        elif item[0] == "heading":
            document.add_heading(item[1], level=2)
        elif item[0] == "caption-style":
            document.add_paragraph(item[1], style="Caption")
        else:
            document.add_picture(io.BytesIO(item[1]))
    document.save(path)
    return path


def article_items(photo=None, caption=f"{CAPTION}（记者 王小明 摄）"):
    photo = photo or gps_jpeg()
    return [TITLE, DATE, LEAD, ("photo", photo), caption, SECOND, FOOTER, SLOGAN]


def run_import(*paths, **options):
    return call_command("import_articles", *map(str, paths), verbosity=0, **options)


def test_a_word_file_reads_as_the_same_text_file(districts, tmp_path):
    """Title, date line, paragraphs, headings, footer and slogan: the parser's
    result is the text file's, field for field."""
    lines = [TITLE, DATE, LEAD, "上城区", "以“五学五争”开展党史学习教育", SECOND, FOOTER, SLOGAN]
    path = word_file(tmp_path / "a.docx", lines)
    word = read_word(path.read_bytes(), LABELS)
    from_word = parse_article(word.text, LABELS, heading_lines=word.heading_lines)
    from_text = parse_article("\n\n".join(lines), LABELS)
    assert from_word == from_text
    assert from_word.sections[1].district_label == "上城区"
    assert from_word.dateline == "杭州日报讯"
    assert [(b.role, b.name) for b in from_word.bylines] == [("记者", "李婷婷"), ("", "高婷婷")]
    assert from_word.closing_slogan == SLOGAN


def test_heading_styles_make_headings_whatever_their_text(tmp_path):
    """A paragraph in a heading style is a heading even when it ends like a
    sentence; a plain paragraph follows the text rules."""
    long_heading = "以“八学八新”推动党史学习教育走深走实，江干区全面部署。"
    path = word_file(tmp_path / "h.docx", [TITLE, DATE, LEAD, ("heading", long_heading), SECOND])
    word = read_word(path.read_bytes())
    parsed = parse_article(word.text, heading_lines=word.heading_lines)
    assert [s.heading for s in parsed.sections] == ["", long_heading]
    assert parsed.sections[1].paragraphs == [SECOND]


def test_photo_is_stored_with_caption_credit_and_place(districts, tmp_path, media):
    """The photo becomes a library image (caption and credit split, alt text
    from the caption, no GPS), and the body refers to it between the
    paragraphs it stood between; the caption line is not a paragraph."""
    run_import(word_file(tmp_path / "a.docx", article_items()))
    article = Article.objects.get()
    image = Image.objects.get()
    assert (image.caption, image.credit, image.credit_line) == (
        CAPTION,
        "记者 王小明",
        "记者 王小明 摄",
    )
    assert image.alt_text == CAPTION
    assert image.title == CAPTION
    assert image.source == "杭州日报"
    section = article.sections.get()
    assert section.body == (f"<p>{LEAD}</p>{figure_html(image.pk)}<p>{SECOND}</p>")
    assert section.paragraphs == [LEAD, SECOND]
    assert list(SectionImage.objects.values_list("section", "image")) == [(section.pk, image.pk)]
    # The stored original is a fresh encoding: no EXIF, so no GPS position.
    with default_storage.open(image.file.name) as stored, PILImage.open(stored) as picture:
        exif = picture.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert ExifTags.Base.Make not in exif
    assert image.width == 80 and image.content_hash
    # The import's fingerprint is the article's: no false conflict on re-import.
    from importing.fingerprints import article_fingerprint

    assert article.imported_fingerprint == article_fingerprint(article)


def test_photo_without_caption_takes_the_article_title_as_alt_text(districts, tmp_path):
    items = [TITLE, DATE, LEAD, ("photo", gps_jpeg()), SECOND, FOOTER]
    run_import(word_file(tmp_path / "a.docx", items))
    image = Image.objects.get()
    assert (image.caption, image.credit, image.alt_text) == ("", "", TITLE)
    assert image.title == f"{TITLE} 图1"
    assert Article.objects.get().sections.get().paragraphs == [LEAD, SECOND]


def test_photos_in_district_sections_belong_to_the_district(districts, tmp_path):
    shangcheng, _, _ = districts
    items = [TITLE, DATE, LEAD, "上城区", SECOND, ("photo", gps_jpeg()), "王小明 摄", FOOTER]
    run_import(word_file(tmp_path / "a.docx", items))
    image = Image.objects.get()
    assert list(image.districts.all()) == [shangcheng]
    assert (image.caption, image.credit) == ("", "王小明")
    assert image.alt_text == TITLE
    district_section = Article.objects.get().sections.get(district=shangcheng)
    assert district_section.body.endswith(figure_html(image.pk))


def test_caption_style_and_credit_on_its_own_line(districts, tmp_path):
    """A paragraph in Word's Caption style is the caption even when it reads
    like prose; a credit on the line after it is its credit."""
    prose = "上城区党员在红色展馆参观学习，重温入党誓词。"
    items = [TITLE, DATE, LEAD, ("photo", gps_jpeg()), ("caption-style", prose), "摄影：王小明"]
    run_import(word_file(tmp_path / "a.docx", [*items, SECOND, FOOTER]))
    image = Image.objects.get()
    assert (image.caption, image.credit) == (prose, "王小明")
    assert Article.objects.get().sections.get().paragraphs == [LEAD, SECOND]


def test_prose_or_a_heading_style_below_a_photo_is_not_a_caption(districts, tmp_path):
    items = [TITLE, DATE, LEAD, ("photo", gps_jpeg()), SECOND]
    items += [("photo", gps_jpeg(color=(0, 0, 200))), ("heading", "江干区八学八新"), LEAD]
    run_import(word_file(tmp_path / "a.docx", [*items, FOOTER]))
    article = Article.objects.get()
    assert [s.heading for s in article.sections.all()] == ["", "江干区八学八新"]
    assert Image.objects.filter(caption="").count() == 2
    first, _ = article.sections.all()
    assert len(figure_ids(first.body)) == 2 and first.paragraphs == [LEAD, SECOND]


@pytest.mark.parametrize(
    "line, caption, credit",
    [
        ("图为游客参观 王小明 摄", "图为游客参观", "王小明"),
        ("图为游客参观。记者 王小明 摄", "图为游客参观。", "记者 王小明"),
        ("图为游客参观 通讯员 王小明 摄", "图为游客参观", "通讯员 王小明"),
        ("图为游客参观（王小明 摄）", "图为游客参观", "王小明"),
        ("图为游客参观(王小明 摄)", "图为游客参观", "王小明"),
        ("图为游客参观 摄影：王小明", "图为游客参观", "王小明"),
        ("图为游客参观 王小明/摄", "图为游客参观", "王小明"),
        ("图为游客参观（记者 王小明摄）", "图为游客参观", "记者 王小明"),
        ("图：游客参观 记者 李婷婷 孙钥 摄", "游客参观", "记者 李婷婷 孙钥"),
        ("游客参观 王小明、李四 摄", "游客参观", "王小明、李四"),
        ("王小明 摄", "", "王小明"),
        # A line ending in 拍摄 is prose, and an unmarked word run is caption.
        ("图为游客拍摄", "图为游客拍摄", ""),
        ("图为展馆王小明摄", "图为展馆王小明摄", ""),
    ],
)
def test_credit_is_split_from_the_caption(line, caption, credit):
    found = split_credit(line)
    assert (found.text, found.credit) == (caption, credit)


def test_supplied_pictures_name_a_source_not_a_photographer():
    found = split_credit("图为展馆（上城区委宣传部供图）")
    assert (found.text, found.credit, found.source) == ("图为展馆", "", "上城区委宣传部")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("图为上城区党员参观红色展馆，重温入党誓词。", True),  # opens as a caption
        ("上城区召开动员部署会，要求全区党员干部深入学习。王小明 摄", True),  # credit
        ("上城区党员参观红色展馆", True),  # short, not ending like prose
        (SECOND, False),  # prose
        (DATE, False),
        (FOOTER, False),
        ("上城区", False),  # a district's section starts
    ],
)
def test_which_line_reads_as_a_caption(line, expected):
    assert reads_as_caption(line, LABELS) is expected


def test_reimporting_a_word_file_duplicates_nothing(districts, tmp_path, capsys):
    path = word_file(tmp_path / "a.docx", article_items())
    run_import(path)
    call_command("import_articles", str(path), verbosity=2)
    assert "unchanged 1" in capsys.readouterr().out
    assert (Article.objects.count(), Image.objects.count()) == (1, 1)
    # A changed file updates the article and finds its picture in the library.
    items = article_items()
    items[5] = "会议强调，要推动党史学习教育走深走实。"
    word_file(path, items)
    result = Importer(keep_results=True).run(collect_paths([path])).results[0]
    assert result.action == UPDATED
    assert [(p["new"], p["caption"]) for p in result.photos] == [(False, CAPTION)]
    assert (Article.objects.count(), Image.objects.count()) == (1, 1)
    image = Image.objects.get()
    assert Article.objects.get().sections.get().body.count(figure_html(image.pk)) == 1


def test_an_editor_edit_is_a_conflict_and_stores_no_photo(districts, tmp_path, media):
    path = word_file(tmp_path / "a.docx", article_items())
    run_import(path)
    section = Article.objects.get().sections.get()
    section.body += "<p>编辑补充的一段。</p>"
    section.save()
    before = stored_files(media)
    word_file(path, article_items(photo=gps_jpeg(color=(0, 200, 0))))
    result = Importer(keep_results=True).run([path]).results[0]
    assert result.action == "conflict"
    assert Image.objects.count() == 1 and stored_files(media) == before


def test_the_same_photo_twice_is_one_image(districts, tmp_path):
    photo = gps_jpeg()
    items = [TITLE, DATE, LEAD, ("photo", photo), SECOND, ("photo", photo), FOOTER]
    run_import(word_file(tmp_path / "a.docx", items))
    image = Image.objects.get()
    body = Article.objects.get().sections.get().body
    assert body == f"<p>{LEAD}</p>{figure_html(image.pk)}<p>{SECOND}</p>{figure_html(image.pk)}"


def broken_jpeg_docx(path):
    """A .docx whose picture is a JPEG cut short (put in after python-docx
    checked the whole one)."""
    word_file(path, article_items(photo=gps_jpeg(size=(400, 300))))
    document = docx.Document(path)
    for relationship in document.part.rels.values():
        if relationship.reltype.endswith("/image"):
            relationship.target_part._blob = relationship.target_part.blob[:700]
    document.save(path)
    return path


def not_a_docx_zip(path):
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("hello.txt", "你好")
    return path


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: word_file(p, []), "Word file has no text"),
        (lambda p: word_file(p, [("photo", gps_jpeg())]), "Word file has no text"),
        (lambda p: p.write_bytes(b"PK\x03\x04 truncated zip") and p, "damaged Word file"),
        (lambda p: p.write_bytes(b"") or p, "empty file"),
        (lambda p: p.write_text(f"{TITLE}\n{DATE}\n\n{LEAD}") and p, "rename it to .txt"),
        (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) and p, ".doc"),
        (not_a_docx_zip, "without word/document.xml"),
        (broken_jpeg_docx, "photo 1 (/word/media/image1.jpg) refused"),
    ],
    ids=["empty", "photo-only", "corrupt", "zero-bytes", "text", "old-doc", "zip", "bad-photo"],
)
def test_unreadable_word_files_fail_clearly_and_write_nothing(
    districts, tmp_path, media, capsys, make, message
):
    path = make(tmp_path / "bad.docx")
    with pytest.raises(CommandError, match="1 file"):
        run_import(path)
    err = capsys.readouterr().err
    assert f"{path}:" in err and message in err
    assert not Article.objects.exists() and not Image.objects.exists()
    assert stored_files(media) == []


def test_a_refused_photo_names_its_line(districts, tmp_path):
    result = Importer(keep_results=True).run([broken_jpeg_docx(tmp_path / "b.docx")]).results[0]
    assert result.action == FAILED and result.line == 4
    assert "图片文件已损坏" in result.reason


def test_a_database_failure_leaves_no_photo_files(districts, tmp_path, media, monkeypatch):
    """The rows roll back by themselves; the stored files are deleted."""

    def refuse(*args, **kwargs):
        assert stored_files(media), "the photo is stored before the article is written"
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(ArticleWriter, "write", refuse)
    result = Importer(keep_results=True).run([word_file(tmp_path / "a.docx", article_items())])
    assert result.results[0].action == FAILED
    assert "database refused" in result.results[0].reason
    assert not Image.objects.exists() and stored_files(media) == []


def test_strict_run_rolls_back_photos_of_earlier_files(districts, tmp_path, media):
    good = word_file(tmp_path / "1.docx", article_items())
    bad = tmp_path / "2.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    report = Importer(ImportOptions(strict=True), keep_results=True).run([good, bad])
    assert report.rolled_back
    assert not Article.objects.exists() and not Image.objects.exists()
    assert stored_files(media) == []


def test_dry_run_lists_photos_and_writes_nothing(districts, tmp_path, media, capsys):
    path = word_file(tmp_path / "a.docx", article_items())
    call_command("import_articles", str(path), dry_run=True)
    out = capsys.readouterr().out
    assert f"created: {path} -> {TITLE}" in out
    assert f"photo 1 (line 4): to the image library “{CAPTION}” 记者 王小明 摄" in out
    assert not Image.objects.exists() and stored_files(media) == []


def test_command_reports_the_photos(districts, tmp_path, capsys):
    path = word_file(tmp_path / "a.docx", article_items())
    call_command("import_articles", str(path), verbosity=2)
    out = capsys.readouterr().out
    image = Image.objects.get()
    assert f"photo 1 (line 4): new library image {image.pk} “{CAPTION}” 记者 王小明 摄" in out
    assert "photos: 1 added to the image library, 0 already there" in out


def test_folders_pick_up_word_files_beside_text_files(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.docx").write_bytes(b"x")
    (tmp_path / "~$b.docx").write_bytes(b"x")  # Word's lock file
    (tmp_path / "c.doc").write_bytes(b"x")
    assert list(files.collect_paths([tmp_path])) == [tmp_path / "a.txt", tmp_path / "b.docx"]


def test_a_word_file_with_text_and_photos_imports_in_a_folder_with_text_files(
    districts, tmp_path, seed_path
):
    (tmp_path / "seed.txt").write_bytes(seed_path.read_bytes())
    word_file(tmp_path / "word.docx", article_items())
    report = Importer(keep_results=True).run(collect_paths([tmp_path]))
    assert [r.action for r in report.results] == [CREATED, CREATED]
    assert Article.objects.count() == 2 and Image.objects.count() == 1
    again = Importer(keep_results=True).run(collect_paths([tmp_path]))
    assert [r.action for r in again.results] == [UNCHANGED, UNCHANGED]


def test_the_article_page_shows_the_photo(districts, tmp_path, client):
    """Caption, credit and alt text on the public page, as a responsive picture."""
    run_import(word_file(tmp_path / "a.docx", article_items()), status="published")
    article = Article.objects.get()
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    if "<picture" not in html:
        pytest.skip("body pictures are not rendered on the page yet")
    assert f'alt="{CAPTION}"' in html
    assert "记者 王小明 摄" in html
    assert "srcset=" in html


def test_word_text_cannot_smuggle_a_photo_line(tmp_path):
    """Private-use characters are refused in Word text as in text files."""
    path = word_file(tmp_path / "a.docx", [TITLE, DATE, "\ue000photo 1\ue000", LEAD])
    with pytest.raises(ArticleFormatError, match="U\\+E000"):
        read_word(path.read_bytes())
