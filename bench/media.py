"""The image library's cost: uploads, renditions, and pages that show photos.

Usage: .venv/bin/python bench/media.py [--photos N] [--requests N]

On a throwaway SQLite database and media folder, in-process (no server):

1. Uploads. For N generated phone photos (4000×3000 JPEG with EXIF orientation
   and GPS, as phones write them) and N screenshots/graphics (1600×1200 PNG):
   the time to check and re-encode the upload (validation.clean_upload), save
   the Image, and make the standard renditions (renditions.make_standard_renditions,
   what the admin does right after an upload, AVIF included), mean and p95 in
   ms per photo; and the bytes stored per photo (original as re-encoded + its
   renditions).
2. AVIF, when this Pillow writes it: the AVIF renditions among the standard
   ones, timed on their own (deleted and made again from one decode).
3. Pages, built from scratch (page cache and cached fragments off, as
   bench/pages.py): SQL queries and median time of the seed article without
   and with a 题图, then with 1 and with 10 photos in its text, and of a tag page and its RSS feed listing 10 articles,
   without and then with a 题图 on each, and the renditions the first view
   had to make (none, when uploads made them all). The point: adding photos
   must not add a query per photo, nor make a reader wait for an encoder.
"""

import argparse
import io
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def phone_photo(seed):
    """A 4000×3000 JPEG at phone quality (≈3–4 MB): soft shapes plus sensor
    noise, which is what makes real photos expensive to encode. Stored on its
    side with EXIF orientation 6 and a GPS position, as phones do."""
    from PIL import Image, ImageFilter

    from tests.images.conftest import exif_with_gps

    rng = random.Random(seed)
    small = Image.frombytes("RGB", (40, 30), rng.randbytes(40 * 30 * 3))
    picture = small.resize((3000, 4000), Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(4)
    )
    noise = Image.effect_noise((3000, 4000), 40).convert("RGB")
    picture = Image.blend(picture, noise, 0.12)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=92, exif=exif_with_gps(orientation=6))
    return buffer.getvalue()


def graphic_png(seed):
    """A 1600×1200 PNG as editors upload screenshots and charts: flat colour,
    bars, lines and some text."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    picture = Image.new("RGB", (1600, 1200), (250, 248, 240))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, 1600, 120), fill=(178, 34, 34))
    for n in range(12):
        height = rng.randint(100, 800)
        x = 120 + n * 115
        draw.rectangle((x, 1100 - height, x + 80, 1100), fill=(30, 90, 160 + n * 7))
    for y in range(160, 1100, 60):
        draw.line((80, y, 1560, y), fill=(210, 210, 210), width=1)
    for n in range(40):
        draw.text((rng.randint(80, 1400), rng.randint(140, 1150)), f"2021 data {n}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def pad(text, width):
    """`text` left-aligned in `width` terminal columns (Chinese characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def stored_bytes(image):
    total = image.file.size
    for item in image.renditions.all():
        total += item.file.size
    return total


def upload_and_render(name, data, title):
    """One upload as the admin handles it: (Image, ms per phase)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from images.models import Image
    from images.renditions import make_standard_renditions
    from images.validation import clean_upload

    phases = {}
    start = time.perf_counter()
    clean = clean_upload(SimpleUploadedFile(name, data))
    phases["clean"] = time.perf_counter()
    image = Image(title=title, alt_text=title, credit="王小明")
    image.set_file(clean)
    image.save()
    phases["save"] = time.perf_counter()
    make_standard_renditions(image)
    phases["renditions"] = time.perf_counter()
    ms = {
        "clean": (phases["clean"] - start) * 1000,
        "save": (phases["save"] - phases["clean"]) * 1000,
        "renditions": (phases["renditions"] - phases["save"]) * 1000,
        "total": (phases["renditions"] - start) * 1000,
    }
    return image, ms


def measure(client, url, requests):
    """(queries, median ms, the last response, renditions the first view made)
    of `url` built from scratch."""
    from django.db import connection

    from images.models import Rendition

    before = Rendition.objects.count()
    response = client.get(url)  # warm-up: templates, and renditions made on first use
    assert response.status_code == 200, (url, response.status_code)
    made = Rendition.objects.count() - before
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        client.get(url)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    return counter.count, statistics.median(timings), response, made


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=8, help="photos of each kind (default 8)")
    parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hzcms-bench-media-"))
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
    os.environ.setdefault("FRAGMENT_CACHE_SECONDS", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)

    from articles.models import Article
    from core.richtext import figure_html
    from images import renditions
    from tests.factories import make_article

    # 1. Uploads and standard renditions.
    avif = [key for key in renditions.STANDARD if key[1] == "avif"]
    print(
        f"Uploads: clean_upload + save + {len(renditions.STANDARD)} standard renditions "
        f"({len(avif)} AVIF), ms per photo"
    )
    print(
        f"{'kind':<24}{'upload KB':>10}{'mean ms':>9}{'p95 ms':>8}"
        f"{'clean':>7}{'save':>6}{'rend.':>7}{'stored KB':>11}"
    )
    images = []
    for kind, make, name in (
        ("4000×3000 JPEG (phone)", phone_photo, "IMG_0001.jpg"),
        ("1600×1200 PNG (graphic)", graphic_png, "chart.png"),
    ):
        samples = [make(seed) for seed in range(args.photos)]
        totals, phases, stored = [], {"clean": [], "save": [], "renditions": []}, []
        for n, data in enumerate(samples):
            image, ms = upload_and_render(name, data, f"{kind} {n}")
            images.append(image)
            totals.append(ms["total"])
            for phase in phases:
                phases[phase].append(ms[phase])
            stored.append(stored_bytes(image))
        print(
            f"{pad(kind, 24)}{statistics.mean(len(d) for d in samples) / 1024:>10.0f}"
            f"{statistics.mean(totals):>9.0f}{p95(totals):>8.0f}"
            f"{statistics.mean(phases['clean']):>7.0f}{statistics.mean(phases['save']):>6.0f}"
            f"{statistics.mean(phases['renditions']):>7.0f}"
            f"{statistics.mean(stored) / 1024:>11.0f}"
        )

    # 2. AVIF: its share of the upload, made again on its own from one decode.
    if renditions.AVIF:
        specs = [spec for spec, _ in avif]
        for kind, chosen in (("phone JPEG", images[: args.photos]), ("PNG", images[args.photos :])):
            timings, sizes = [], []
            for image in chosen:
                image.renditions.filter(format="avif").delete()
                image.__dict__.pop("_renditions", None)
                start = time.perf_counter()
                renditions.make_standard_renditions(image)
                timings.append((time.perf_counter() - start) * 1000)
                made = image.renditions.filter(format="avif")
                assert made.count() == len(avif), made.count()
                sizes.append(sum(item.file.size for item in made))
            print(
                f"AVIF {'/'.join(specs)} of a {kind}: mean {statistics.mean(timings):.0f} ms, "
                f"p95 {p95(timings):.0f} ms, {statistics.mean(sizes) / 1024:.0f} KB "
                "(made at upload, within the times above)"
            )
    else:
        print("AVIF: this Pillow cannot write AVIF; pages offer WebP and JPEG only")

    # 3. Pages.
    client = Client()
    rows = []

    def page(label, url):
        queries, median, response, made = measure(client, url, args.requests)
        text = response.content.decode()
        rows.append(
            (label, queries, median, text.count("<picture>"), text.count("<enclosure"), made)
        )

    article = Article.objects.get(title__startswith="上城江干滨江")
    page("article, no 题图", article.get_absolute_url())
    article.lead_image = images[0]
    article.save()
    page("article, 题图", article.get_absolute_url())
    # Photos in the text, spread over its sections as an editor would place them.
    sections = list(article.sections.exclude(body=""))
    originals = {section.pk: section.body for section in sections}
    for count in (1, 10):
        for section in sections:
            section.body = originals[section.pk]
        for number, image in zip(range(count), itertools.cycle(images), strict=False):
            sections[number % len(sections)].body += figure_html(image.pk)
        for section in sections:
            section.save()
        page(f"article, 题图 + {count} in text", article.get_absolute_url())

    listed = [make_article(tags=["图片基准"]) for _ in range(10)]
    tag = listed[0].tags.get()
    tag_url = reverse("articles:tag_detail", args=[tag.slug])
    feed_url = reverse("feeds:tag_rss", args=[tag.slug])
    page("tag, 10 articles", tag_url)
    page("tag RSS, 10 items", feed_url)
    for item, image in zip(listed, itertools.cycle(images), strict=False):
        item.lead_image = image
        item.save()
    page("tag, 10 with 题图", tag_url)
    page("tag RSS, 10 with 题图", feed_url)

    print()
    print(
        f"{'page (built from scratch)':<26}{'queries':>8}{'median ms':>11}{'<picture>':>10}"
        f"{'enclosures':>11}{'1st view made':>14}"
    )
    for label, queries, median, pictures, enclosures, made in rows:
        print(
            f"{pad(label, 26)}{queries:>8}{median:>11.1f}{pictures:>10}{enclosures:>11}{made:>14}"
        )
    by_label = {row[0]: row for row in rows}
    one, ten = by_label["article, 题图 + 1 in text"], by_label["article, 题图 + 10 in text"]
    print(
        f"(photos in the text: {one[1]} queries with 1, {ten[1]} with 10; "
        f"{ten[2] - one[2]:+.1f} ms for 9 more)"
    )
    extra = by_label["tag RSS, 10 with 题图"][1] - by_label["tag RSS, 10 items"][1]
    if extra:
        print(
            f"(the RSS feed costs {extra} more quer{'y' if extra == 1 else 'ies'} with 10 题图: "
            "their enclosure renditions, fetched together)"
        )
    print(
        f"({args.photos} photos of each kind, {args.requests} requests per page, SQLite, "
        f"DEBUG off, AVIF {'on' if renditions.AVIF else 'off'})"
    )


if __name__ == "__main__":
    main()
