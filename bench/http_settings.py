"""Production settings for bench/http_bench.py: config.settings, unchanged,
except that static files are collected into a scratch folder.

config.settings fixes STATIC_ROOT to the project's staticfiles/; the benchmark
collects into a temporary folder instead (BENCH_STATIC_ROOT) so it leaves the
checkout as it found it. Everything else, DEBUG included, comes from the
environment exactly as in production (README "Configuration").
"""

import os

from config.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
