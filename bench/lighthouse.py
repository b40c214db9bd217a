"""Lighthouse scores of the seed article without and with photos, served as in
production: gunicorn (DEBUG off) behind nginx with deploy/nginx.conf.

Usage:
    .venv/bin/python bench/lighthouse.py [--runs N] [--workers N] [--keep-reports DIR] [--report]

Needs node/npm, Debian's chromium (CHROME_PATH, default /usr/bin/chromium) and
nginx (/usr/sbin/nginx; nginx-light is enough). Lighthouse is the exact version
pinned in bench/package.json and bench/package-lock.json, installed by
`npm ci --prefix bench` on the first run (bench/node_modules, git-ignored);
--lighthouse PATH uses another binary instead.

On a throwaway SQLite database, media folder and STATIC_ROOT (migrate,
load_content, collectstatic), the script starts nginx on a free loopback port
with deploy/nginx.conf rewritten as tests/deploy does: its upstream points at
one gunicorn (DEBUG off, production settings through bench/http_settings.py),
/static/ at the scratch STATIC_ROOT and /media/ at the scratch MEDIA_ROOT, so
nginx itself serves the photos with the production headers, and whitenoise is
not involved in media at all. Then:

1. the seed article (上城江干滨江…) as loaded, no photos;
2. 11 generated 4000×3000 phone photos uploaded as the admin does
   (bench/media.py's upload_and_render: clean_upload, save, standard renditions),
   one made the article's 题图 and ten put into its text as editors store them
   (core.richtext.figure_html appended to the sections' bodies, in turn);

(with --report, also 0. the 2021 campaign report page, before the photos)
and runs Lighthouse --runs times (default 3) on each, with the default mobile
emulation and with --preset=desktop, categories performance, accessibility,
best-practices and SEO. Lighthouse's own throttling applies (simulated Slow 4G
and 4× CPU on mobile), so the figures are Lighthouse's estimates for that
device, computed from a run on this machine.

The page cache stays on as in production (per-process memory, no REDIS_URL):
gunicorn is restarted between the two pages, so no cached copy of the page
without photos survives, and each page is checked over HTTP for the number of
<picture> elements it should have before it is measured.

Prints one table: median score per category and median LCP, CLS, TBT, FCP,
Speed Index, bytes transferred (Lighthouse's total-byte-weight) and image bytes
and requests (from its network-requests audit; offscreen photos are
loading="lazy" and are not fetched during the load Lighthouse measures). Then,
for each page, the performance audits that scored below 0.9 in any run.
Everything it started (gunicorn, nginx, Lighthouse and its Chromium, the
temporary folder) is removed at the end, on Ctrl-C or on error too.
"""

import argparse
import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_bench import (  # noqa: E402
    HOST,
    SITE_SETTINGS,
    free_port,
    get_status,
    log_tail,
    spawn,
    stop_process,
)
from bench.media import pad, phone_photo, upload_and_render  # noqa: E402

BENCH = ROOT / "bench"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}
PHOTOS_IN_TEXT = 10
# The seed campaign's report (load_content), measured with --report.
REPORT_PATH = "/campaigns/2021-dang-shi-xue-xi-jiao-yu/"
# Lighthouse runs Chromium as root here, hence --no-sandbox; --headless=new is
# the headless mode that renders as the real browser does.
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"


@dataclass
class Run:
    scores: dict  # category -> 0..100
    metrics: dict  # name -> numeric value (ms, or unitless for CLS)
    total_bytes: float
    image_bytes: int
    image_requests: int
    weak_audits: dict  # audit id -> (score, displayValue)


@dataclass
class Result:
    page: str
    preset: str
    runs: list = field(default_factory=list)


METRICS = {
    "LCP": "largest-contentful-paint",
    "CLS": "cumulative-layout-shift",
    "TBT": "total-blocking-time",
    "FCP": "first-contentful-paint",
    "SI": "speed-index",
}


# --- Lighthouse ---------------------------------------------------------------


def find_lighthouse(explicit):
    """The pinned Lighthouse, installed with `npm ci` from the lock file when missing."""
    if explicit:
        return explicit
    binary = BENCH / "node_modules" / ".bin" / "lighthouse"
    wanted = json.loads((BENCH / "package.json").read_text())["dependencies"]["lighthouse"]
    installed = BENCH / "node_modules" / "lighthouse" / "package.json"
    if not binary.exists() or json.loads(installed.read_text())["version"] != wanted:
        if not shutil.which("npm"):
            raise SystemExit("npm is not installed (Debian: apt-get install npm)")
        print(f"installing lighthouse {wanted} (npm ci --prefix bench)…", flush=True)
        subprocess.run(
            ["npm", "ci", "--prefix", str(BENCH), "--no-audit", "--no-fund"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return str(binary)


def run_lighthouse(lighthouse, url, preset, output, chrome_path):
    command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={output}"]
    command += [f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    command += PRESETS[preset]
    env = {**os.environ, "CHROME_PATH": chrome_path}
    # A session of its own so a Ctrl-C reaches this script first; on the way out
    # Lighthouse gets the SIGINT it handles by closing its Chromium.
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        out, _ = process.communicate(timeout=300)
    except BaseException:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    if process.returncode:
        raise RuntimeError(f"lighthouse failed on {url}:\n{out.decode(errors='replace')[-3000:]}")
    return json.loads(Path(output).read_text())


def read_run(report):
    if report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse: {report['runtimeError']}")
    audits = report["audits"]
    scores = {name: report["categories"][name]["score"] * 100 for name in CATEGORIES}
    metrics = {label: audits[key]["numericValue"] for label, key in METRICS.items()}
    requests = audits["network-requests"]["details"]["items"]
    images = [item for item in requests if item.get("resourceType") == "Image"]
    weak = {}
    for ref in report["categories"]["performance"]["auditRefs"]:
        audit = audits[ref["id"]]
        # Informative and not-applicable audits have no score worth listing.
        scored = audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        if scored and audit["score"] is not None and audit["score"] < 0.9:
            weak[ref["id"]] = (audit["score"], audit.get("displayValue", ""))
    return Run(
        scores=scores,
        metrics=metrics,
        total_bytes=audits["total-byte-weight"]["numericValue"],
        image_bytes=sum(item.get("transferSize", 0) for item in images),
        image_requests=len(images),
        weak_audits=weak,
    )


# --- Servers ------------------------------------------------------------------


def rewrite(text, replacements, source):
    """Apply (pattern, replacement) pairs; each must match, so a change to the
    deploy files that this no longer fits stops the benchmark instead of
    silently measuring another configuration."""
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if not count:
            raise RuntimeError(f"{source}: nothing matches {pattern!r}; update bench/lighthouse.py")
    return text


def start_nginx(cleanup, workdir, static_root, media_root, app_port):
    """deploy/nginx-local.conf + deploy/nginx.conf on a free loopback port, as
    tests/deploy/test_two_app_servers.py rewrites them; returns its port."""
    port = free_port()
    conf_dir = workdir / "nginx"
    conf_dir.mkdir()
    main = rewrite(
        (ROOT / "deploy" / "nginx-local.conf").read_text(),
        [(re.escape("/tmp/hzcms-local"), str(conf_dir))],
        "deploy/nginx-local.conf",
    )
    site = rewrite(
        (ROOT / "deploy" / "nginx.conf").read_text(),
        [
            # One app server: the upstream's two lines become one.
            (r"server 127\.0\.0\.1:8001\b", f"server {HOST}:{app_port}"),
            (r"^\s*server 127\.0\.0\.1:8002\b.*\n", ""),
            (r"listen 80;", f"listen {HOST}:{port};"),
            (r"^\s*listen \[::\]:80;\n", ""),
            (re.escape("/srv/hzcms/staticfiles/"), f"{static_root}/"),
            (re.escape("/srv/hzcms/media/"), f"{media_root}/"),
            (re.escape("/var/log/nginx/"), f"{conf_dir}/"),
        ],
        "deploy/nginx.conf",
    )
    (conf_dir / "nginx.conf").write_text(main)
    (conf_dir / "hzcms.conf").write_text(site)
    base = [NGINX, "-c", str(conf_dir / "nginx.conf"), "-e", str(conf_dir / "error.log")]
    check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, timeout=30)
    if check.returncode:
        raise RuntimeError(f"nginx -t refused the config:\n{check.stderr}")
    process = spawn([*base, "-g", "daemon off;"], workdir / "nginx.log")
    cleanup.callback(stop_process, process)
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError):
            # Any answer will do (502 until gunicorn runs): nginx is listening.
            get_status(f"http://{HOST}:{port}", "/static/")
            return port
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"nginx did not start:\n{log_tail(conf_dir / 'error.log')}")
        time.sleep(0.1)


def start_gunicorn(cleanup, port, workers, log_path):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "config.wsgi:application", "--bind", f"{HOST}:{port}"]
    command += ["--workers", str(workers), "--worker-class", "sync"]
    process = spawn(command, log_path, env=dict(os.environ))
    cleanup.callback(stop_process, process)
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError):
            get_status(f"http://{HOST}:{port}", "/robots.txt")
            return process
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start:\n{log_tail(log_path)}")
        time.sleep(0.2)


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers, response.read()


def check_page(url, pictures):
    """The page as nginx serves it has `pictures` <picture> elements, and its
    first image comes from nginx's /media/ location."""
    status, _, body = fetch(url)
    text = body.decode()
    found = text.count("<picture>")
    if status != 200 or found != pictures:
        raise RuntimeError(f"{url}: status {status}, {found} <picture>, expected {pictures}")
    if pictures:
        src = re.search(r'<img src="([^"]+)"', text)[1]
        status, headers, _ = fetch(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + src)
        # The Content-Security-Policy sandbox is set by nginx's /media/ block only.
        if status != 200 or "sandbox" not in headers.get("Content-Security-Policy", ""):
            raise RuntimeError(f"{src} was not served by nginx's /media/ location")


# --- Site -----------------------------------------------------------------------


def prepare_site():
    import django

    django.setup()
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return Article.objects.get(title__startswith="上城江干滨江")


def add_photos(article):
    """题图 + PHOTOS_IN_TEXT photos in the text, uploaded as the admin does."""
    from core.richtext import figure_html

    images = []
    for n in range(PHOTOS_IN_TEXT + 1):
        image, _ = upload_and_render(f"IMG_{n:04d}.jpg", phone_photo(n), f"西湖边的照片 {n}")
        images.append(image)
        print(f"  photo {n + 1}/{PHOTOS_IN_TEXT + 1} uploaded", flush=True)
    article.lead_image = images[0]
    article.save()
    sections = list(article.sections.exclude(body=""))
    for number, image in enumerate(images[1:]):
        sections[number % len(sections)].body += figure_html(image.pk)
    for section in sections:
        section.save()
    return len(sections)


# --- Report -----------------------------------------------------------------------


def print_table(results, args, versions):
    print()
    print(
        f"# Lighthouse {versions}, median of {args.runs} runs · gunicorn {args.workers} sync "
        "workers (DEBUG off, SQLite) behind nginx (deploy/nginx.conf) on loopback"
    )
    header = (
        f"{'page':<22}{'preset':<9}{'perf':>5}{'a11y':>5}{'b-p':>5}{'seo':>5}"
        f"{'LCP s':>7}{'CLS':>7}{'TBT ms':>7}{'FCP s':>7}{'SI s':>6}"
        f"{'total KB':>9}{'img KB':>8}{'imgs':>5}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        runs = result.runs

        def med(get, runs=runs):
            return statistics.median(get(run) for run in runs)

        scores = [med(lambda r, c=c: r.scores[c]) for c in CATEGORIES]
        m = {label: med(lambda r, label=label: r.metrics[label]) for label in METRICS}
        print(
            f"{pad(result.page, 22)}{result.preset:<9}"
            + "".join(f"{score:>5.0f}" for score in scores)
            + f"{m['LCP'] / 1000:>7.2f}{m['CLS']:>7.3f}{m['TBT']:>7.0f}"
            f"{m['FCP'] / 1000:>7.2f}{m['SI'] / 1000:>6.2f}"
            f"{med(lambda r: r.total_bytes) / 1024:>9.0f}"
            f"{med(lambda r: r.image_bytes) / 1024:>8.0f}"
            f"{med(lambda r: r.image_requests):>5.0f}"
        )
    for result in results:
        weak = {}
        for run in result.runs:
            for audit, (score, shown) in run.weak_audits.items():
                weak.setdefault(audit, []).append(f"{score:.2f}" + (f" ({shown})" if shown else ""))
        if weak:
            print(f"\n{result.page}, {result.preset}: performance audits below 0.9")
            for audit, seen in weak.items():
                print(f"  {audit}: {', '.join(seen)} in {len(seen)}/{len(result.runs)} runs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page and preset")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--lighthouse", metavar="PATH", help="a lighthouse binary to use instead")
    parser.add_argument(
        "--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"), help="Chromium"
    )
    parser.add_argument("--keep-reports", metavar="DIR", help="copy Lighthouse's JSON reports here")
    parser.add_argument(
        "--report", action="store_true", help="also measure the campaign report page (专题报道)"
    )
    args = parser.parse_args()
    if not os.access(NGINX, os.X_OK):
        parser.error("nginx is not installed (Debian: apt-get install nginx-light)")
    if not os.access(args.chrome, os.X_OK):
        parser.error(f"no Chromium at {args.chrome} (Debian: apt-get install chromium)")
    lighthouse = find_lighthouse(args.lighthouse)
    version = subprocess.run([lighthouse, "--version"], capture_output=True, text=True)
    versions = f"{version.stdout.strip()} · {Path(args.chrome).name}"

    # As bench/http_bench.py: SIGTERM and SIGHUP end the run through the finally.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cleanup = contextlib.ExitStack()
    atexit.register(cleanup.close)
    try:
        workdir = Path(tempfile.mkdtemp(prefix="hzcms-bench-lighthouse-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        # nginx's workers run as nobody when this runs as root: they must be
        # able to enter the folder to read the static and media files.
        workdir.chmod(0o755)
        static_root, media_root = workdir / "static", workdir / "media"
        reports = workdir / "reports"
        reports.mkdir()

        # Production configuration as in bench/http_bench.py, on SQLite and
        # without Redis (the page cache in each worker's memory).
        os.environ.pop("DEBUG", None)
        os.environ.pop("REDIS_URL", None)
        os.environ.update(
            DJANGO_SETTINGS_MODULE=SITE_SETTINGS,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=HOST,
            DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
            MEDIA_ROOT=str(media_root),
            SECURE_SSL_REDIRECT="0",
            BENCH_STATIC_ROOT=str(static_root),
            LOG_LEVEL="ERROR",
        )
        print("preparing the site (migrate, load_content, collectstatic)…", flush=True)
        article = prepare_site()
        from django.db import connection

        connection.close()  # gunicorn reads the same SQLite file

        app_port = free_port()
        nginx_port = start_nginx(cleanup, workdir, static_root, media_root, app_port)
        site = f"http://{HOST}:{nginx_port}"
        url = site + article.get_absolute_url()
        results = []

        def measure(page, slug, pictures, url=url):
            # A fresh gunicorn: its page cache cannot hold the previous page.
            process = start_gunicorn(cleanup, app_port, args.workers, workdir / "gunicorn.log")
            try:
                check_page(url, pictures)
                for preset in PRESETS:
                    result = Result(page, preset)
                    for n in range(args.runs):
                        print(f"{page}, {preset}: run {n + 1}/{args.runs}…", flush=True)
                        output = reports / f"{slug}-{preset}-{n + 1}.json"
                        report = run_lighthouse(lighthouse, url, preset, output, args.chrome)
                        result.runs.append(read_run(report))
                    results.append(result)
            finally:
                stop_process(process)

        if args.report:
            measure("campaign report", "report", 0, site + REPORT_PATH)
        measure("article, no photos", "before", 0)
        print(f"uploading {PHOTOS_IN_TEXT + 1} phone photos…", flush=True)
        sections = add_photos(article)
        connection.close()
        measure(f"article, 题图 + {PHOTOS_IN_TEXT}", "photos", PHOTOS_IN_TEXT + 1)

        if args.keep_reports:
            target = Path(args.keep_reports)
            target.mkdir(parents=True, exist_ok=True)
            for report in reports.iterdir():
                shutil.copy(report, target / report.name)
        print_table(results, args, versions)
        print(
            f"({PHOTOS_IN_TEXT} photos spread over {sections} sections; {url} "
            f"{'· reports in ' + args.keep_reports if args.keep_reports else ''})"
        )
    finally:
        cleanup.close()


if __name__ == "__main__":
    main()
