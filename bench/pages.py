"""Time the public pages and the importer on a throwaway SQLite database.

Usage: .venv/bin/python bench/pages.py [--requests N] [--articles N]

Prints, per page, the SQL query count and the median / p95 response time over
N requests through Django's test client (no network, no server), after adding
`--articles` extra published articles so lists are realistically long. Then the
time to import the seed file once and to re-import it (unchanged).

Pages are built from scratch: the page cache and the cached fragments are off
unless PAGE_CACHE_SECONDS / FRAGMENT_CACHE_SECONDS say otherwise (bench/http_bench.py
measures them over HTTP).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="hzcms-bench-")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # Templates reference static files that only `collectstatic` would place.
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
    os.environ.setdefault("FRAGMENT_CACHE_SECONDS", "0")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)

    from districts.models import District
    from tests.factories import make_article
    from tests.site.test_page_status_and_query_counts import budget_urls

    shangcheng = District.objects.get(slug="shangcheng")
    for n in range(args.articles):
        make_article(tags=["党史学习教育", f"标签{n % 40}"], districts=[shangcheng])

    client = Client()
    print(f"{'page':<18}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    for name, url in budget_urls().items():
        client.get(url)  # warm up templates and caches
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(url)
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{name:<18}{counter.count:>8}{statistics.median(timings):>11.1f}{p95:>9.1f}")

    from articles.models import Article
    from importing.importer import import_file

    seed = ROOT / "content" / "2021" / "articles" / "000_7cfd02887c454dd1.txt"
    Article.objects.filter(import_key__isnull=False).delete()
    start = time.perf_counter()
    import_file(seed)
    created = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    result = import_file(seed)
    unchanged = (time.perf_counter() - start) * 1000
    print(f"import seed: {created:.1f} ms created, {unchanged:.1f} ms {result.action}")
    print(f"({args.articles} extra articles, {args.requests} requests per page, SQLite, DEBUG off)")


if __name__ == "__main__":
    main()
