"""Import throughput and memory: generate N realistic article files, import them
into a fresh SQLite database, then import them again (all unchanged).

Usage:
    .venv/bin/python bench/import_bench.py                 # N = 10,000
    .venv/bin/python bench/import_bench.py --files 2000
    .venv/bin/python bench/import_bench.py --sizes 1000,5000,10000   # memory vs N

Prints files/second and peak resident memory (sampled from /proc every 20 ms)
for each phase. With --sizes, each N runs in a fresh process so the peaks are
comparable: flat peaks mean the importer streams files instead of holding them.
Set DATABASE_URL to measure on PostgreSQL instead.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = ROOT / "content" / "2021" / "articles" / "000_7cfd02887c454dd1.txt"

DISTRICT_LABELS = ["上城区", "江干区", "高新区(滨江)", "高新区（滨江）", "滨江区"]
DATE_FORMS = [
    "发布时间:{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}:{S:02d}",
    "发布时间：{y}-{m:02d}-{d:02d} {H:02d}:{M:02d}",
    "发布日期：{y}年{m}月{d}日",
    "时间:{y}/{m}/{d} {H}:{M:02d}",
]
FOOTERS = [
    "来源:杭州日报   作者:记者 {a} {b}   编辑:{c}",
    "编辑：{c}\u3000来源：杭州日报\u3000作者：记者 {a}、{b}",
    "来源：杭州日报\n记者：{a}\u00a0\u00a0通讯员：{b}\n责任编辑：{c}",
]
NAMES = ["李婷婷", "孙钥", "孟娇", "高婷婷", "王一", "张二", "周三", "陈四", "赵五"]


def seed_sentences():
    text = SEED.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if len(line) > 40]
    return [s + "。" for line in lines for s in line.split("。") if len(s) > 10]


def make_article(n, rng, sentences):
    """One realistic file as bytes: the seed's layout with the usual variations."""
    y, m, d = 2021, rng.randint(1, 12), rng.randint(1, 28)
    date_line = rng.choice(DATE_FORMS).format(
        y=y, m=m, d=d, H=rng.randint(0, 23), M=rng.randint(0, 59), S=rng.randint(0, 59)
    )
    lines = ["返 回" if rng.random() < 0.5 else "", f"党史学习教育动态第{n}期", date_line, ""]
    indent = rng.choice(["", "\u3000\u3000", "  "])
    lines += [indent + "杭州日报讯" + rng.choice(sentences), ""]
    for _ in range(rng.randint(1, 3)):
        lines += [rng.choice(DISTRICT_LABELS), "", "以“学史力行”推动工作", ""]
        for _ in range(rng.randint(2, 6)):
            lines += [indent + "".join(rng.sample(sentences, 2)), ""]
    a, b, c = rng.sample(NAMES, 3)
    lines += [rng.choice(FOOTERS).format(a=a, b=b, c=c), "奋斗百年路 启航新征程"]
    text = "\n".join(lines)
    if rng.random() < 0.3:
        text = text.replace("\n", "\r\n")
    encoding = rng.choices(["utf-8", "utf-8-sig", "gb18030"], weights=[6, 2, 2])[0]
    return text.encode(encoding)


def generate(folder, count, seed=2021):
    rng = random.Random(seed)
    sentences = seed_sentences()
    for n in range(count):
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"article_{n:06d}.txt").write_bytes(make_article(n, rng, sentences))


class PeakMemory:
    """Sample this process's resident set size in a thread; keep the peak."""

    def __init__(self, interval=0.02):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self):
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(self.interval)

    def __enter__(self):
        self.peak = self._rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def setup_django(workdir):
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)


def measure(count):
    workdir = Path(tempfile.mkdtemp(prefix="hzcms-import-bench-"))
    files = workdir / "files"
    files.mkdir()
    start = time.perf_counter()
    generate(files, count)
    generated = time.perf_counter() - start
    setup_django(workdir)

    from articles.models import Article
    from importing.files import collect_paths
    from importing.importer import Importer
    from importing.report import ImportOptions

    rows = []
    for phase in ["first import", "re-import"]:
        paths = list(collect_paths([files]))
        with PeakMemory() as memory:
            start = time.perf_counter()
            report = Importer(ImportOptions(status="published")).run(paths)
            elapsed = time.perf_counter() - start
        rows.append((phase, count / elapsed, elapsed, memory.peak / 2**20, report.summary()))
    assert Article.objects.count() >= count, "some generated files were not imported"
    return generated, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--sizes", help="comma-separated N values, each in a fresh process")
    parser.add_argument("--table-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.sizes:
        print(f"{'files':>7}  {'phase':<13}{'files/s':>9}{'peak RSS MiB':>14}")
        for size in [int(s) for s in args.sizes.split(",")]:
            output = subprocess.run(
                [sys.executable, __file__, "--files", str(size), "--table-only"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for line in output.strip().splitlines():
                print(f"{size:>7}  {line}")
        return

    generated, rows = measure(args.files)
    if args.table_only:
        for phase, rate, _elapsed, peak, _summary in rows:
            print(f"{phase:<13}{rate:>9.0f}{peak:>14.1f}")
        return
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"{args.files} generated files ({generated:.1f} s to write), database: {database}")
    print(f"{'phase':<14}{'files/s':>9}{'seconds':>9}{'peak RSS MiB':>14}  result")
    for phase, rate, elapsed, peak, summary in rows:
        print(f"{phase:<14}{rate:>9.0f}{elapsed:>9.1f}{peak:>14.1f}  {summary}")


if __name__ == "__main__":
    main()
