"""Search speed: generate N realistic Chinese articles, index them, and time 20
typical queries through the search service, against plain `icontains`.

Usage:
    .venv/bin/python bench/search_bench.py                       # SQLite, 20,000 articles
    .venv/bin/python bench/search_bench.py --postgres postgres://postgres@127.0.0.1:5432/postgres
                                                                 # PostgreSQL, 100,000 articles
    .venv/bin/python bench/search_bench.py --articles 5000 --repeat 3

SQLite runs in a temporary file; PostgreSQL in a scratch database created next
to the one the URL names and dropped afterwards. Prints the index build time,
the index size, and p50/p95 latency per method over all queries.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "党史学习教育",
    "五学五争",
    "数字化改革",
    "滨江 企业",
    '"钱江少年"',
    "院士讲堂",
    "共同富裕",
    "理论宣讲",
    "红色教育",
    "上城区",
    "江干区 宣讲",
    "高新区",
    "社区 志愿者",
    "老旧小区 改造",
    "城市大脑",
    "亩均效益",
    "青年 理论宣讲团",
    "主题党日",
    "知识竞赛",
    "养老 服务",
]

PLACES = [
    "上城区",
    "江干区",
    "高新区(滨江)",
    "西湖区",
    "拱墅区",
    "萧山区",
    "余杭区",
    "钱塘区",
    "临平区",
]
PLACES += ["湖滨街道", "小营街道", "闸弄口街道", "长河街道", "西兴街道", "浦沿街道"]
ACTORS = [
    "区委",
    "街道党工委",
    "社区党委",
    "机关党支部",
    "青年理论宣讲团",
    "志愿者服务队",
    "企业党委",
]
ACTORS += ["老党员", "退役军人", "高新企业", "中小学校", "院士讲堂", "钱江少年宣讲团"]
ACTIONS = ["开展", "组织", "举办", "启动", "推进", "部署", "深化", "召开"]
TOPICS = ["党史学习教育", "主题党日活动", "知识竞赛", "理论宣讲", "红色教育", "数字化改革"]
TOPICS += [
    "共同富裕示范",
    "老旧小区改造",
    "城市大脑建设",
    "养老服务提升",
    "亩均效益评价",
    "五学五争",
]
TOPICS += [
    "八学八新",
    "乡村振兴结对",
    "文艺展演",
    "垃圾分类宣传",
    "未成年人思想道德建设",
    "志愿服务",
]
GOALS = ["切实加强针对性和实效性", "推动学习教育走深走实", "为群众办实事解难题", "营造浓厚学习氛围"]
GOALS += [
    "以优异成绩庆祝建党一百周年",
    "打造重要窗口头雁风采",
    "提升基层治理能力",
    "服务高质量发展",
]
PATTERNS = [
    "{place}{actor}{action}{topic}，{goal}。",
    "近日，{place}{action}“{topic}”专题活动，{actor}积极参与。",
    "{actor}表示，要以{topic}为契机，{goal}。",
    "据介绍，{place}已{action}{topic}{n}场，覆盖{actor}{m}余人。",
    "在{topic}中，{place}坚持问题导向，{goal}。",
]


def make_text(rng, sentences):
    parts = []
    for _ in range(sentences):
        parts.append(
            rng.choice(PATTERNS).format(
                place=rng.choice(PLACES),
                actor=rng.choice(ACTORS),
                action=rng.choice(ACTIONS),
                topic=rng.choice(TOPICS),
                goal=rng.choice(GOALS),
                n=rng.randint(2, 200),
                m=rng.randint(10, 5000),
            )
        )
    return parts


def setup(postgres_url):
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    scratch = None
    if postgres_url:
        import psycopg

        scratch = f"hzcms_search_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}"')
        base = postgres_url.rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/{scratch}"
    else:
        folder = tempfile.mkdtemp(prefix="hzcms-search-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    return scratch


def drop_scratch(postgres_url, scratch):
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')


def generate(count, seed=2021):
    from django.utils import timezone

    from articles.models import Article, ArticleSection
    from core.richtext import html_from_paragraphs
    from core.status import Status
    from districts.models import District

    rng = random.Random(seed)
    districts = list(District.objects.values_list("pk", flat=True))
    through = Article.districts.through
    start = timezone.now() - timezone.timedelta(days=3 * 365)
    chunk = 2000
    for first in range(0, count, chunk):
        articles = []
        for n in range(first, min(first + chunk, count)):
            title = "".join(make_text(rng, 1))[:40].rstrip("，。")
            articles.append(
                Article(
                    title=f"{title}（{n}）",
                    slug=f"bench-{n}",
                    status=Status.PUBLISHED,
                    published_at=start + timezone.timedelta(minutes=rng.randint(0, 3 * 365 * 1440)),
                    source="杭州日报",
                )
            )
        Article.objects.bulk_create(articles)
        sections, links = [], []
        for article in articles:
            paragraphs = [
                "".join(make_text(rng, rng.randint(3, 6))) for _ in range(rng.randint(3, 8))
            ]
            sections.append(
                ArticleSection(article=article, position=0, body=html_from_paragraphs(paragraphs))
            )
            links.append(through(article=article, district_id=rng.choice(districts)))
        ArticleSection.objects.bulk_create(sections)
        through.objects.bulk_create(links)


def index_size():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('articles_searchentry')"
                " + pg_total_relation_size('articles_searchdocument')"
            )
            return cursor.fetchone()[0]
        total = 0
        tables = ["articles_searchentry", "articles_searchdocument", "articles_search_fts_data"]
        for table in [*tables, "articles_search_fts_idx", "articles_search_fts_docsize"]:
            cursor.execute(f"SELECT SUM(pgsize) FROM dbstat WHERE name = '{table}'")
            total += cursor.fetchone()[0] or 0
        return total


def icontains_search(text):
    """What the site would do without the index: every word as a substring."""
    from django.db.models import Q

    from articles.models import Article
    from search.query import parse_query

    query = parse_query(text)
    words = query.words + ["".join(p) for p in query.phrases]
    articles = Article.objects.published()
    for word in words:
        articles = articles.filter(Q(title__icontains=word) | Q(sections__body__icontains=word))
    articles = articles.distinct()
    total = articles.count()
    top = list(articles.order_by("-published_at")[:10])
    return total, top


def timed(function, repeat):
    timings = []
    for query in QUERIES:
        for _ in range(repeat):
            start = time.perf_counter()
            function(query)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="benchmark on PostgreSQL (admin URL)")
    parser.add_argument("--articles", type=int, help="default: 20,000 SQLite, 100,000 PostgreSQL")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    count = args.articles or (100_000 if args.postgres else 20_000)

    scratch = setup(args.postgres)
    try:
        from django.db import connection

        from search import service
        from search.indexing import rebuild

        start = time.perf_counter()
        generate(count)
        generated = time.perf_counter() - start
        start = time.perf_counter()
        entries = rebuild()
        built = time.perf_counter() - start
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        size = index_size()

        for query in QUERIES:  # warm caches and the segmenter
            service.search(query)
        search_p50, search_p95 = timed(lambda q: service.search(q), args.repeat)
        like_p50, like_p95 = timed(icontains_search, max(1, args.repeat // 2))
        totals = {q: service.search(q).total_display for q in QUERIES[:6]}

        print(f"database: {connection.vendor}, articles: {count} (+ the 2021 content)")
        print(f"generated in {generated:.1f} s; index of {entries} items built in {built:.1f} s")
        print(f"index size: {size / 2**20:.1f} MiB")
        print(f"{'method':<12}{'p50 ms':>9}{'p95 ms':>9}")
        print(f"{'search':<12}{search_p50:>9.1f}{search_p95:>9.1f}")
        print(f"{'icontains':<12}{like_p50:>9.1f}{like_p95:>9.1f}")
        print(f"icontains / search at p95: {like_p95 / search_p95:.1f}x")
        print("matches:", ", ".join(f"{q} {n}" for q, n in totals.items()))
    finally:
        if scratch and not args.keep:
            drop_scratch(args.postgres, scratch)
        elif scratch:
            print(f"kept database {scratch}")


if __name__ == "__main__":
    main()
