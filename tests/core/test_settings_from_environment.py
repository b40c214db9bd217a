"""Settings come from the environment, and production fails closed."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROJECT_DIR = settings.BASE_DIR


def run_settings(code, **env):
    """Import config.settings in a fresh interpreter with exactly `env` set."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        cwd=PROJECT_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings("print(settings.DEBUG)")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_gives_a_development_key_and_local_hosts():
    result = run_settings("print(settings.SECRET_KEY[:15], settings.ALLOWED_HOSTS)", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "django-insecure" in result.stdout and "127.0.0.1" in result.stdout


def test_production_takes_hosts_and_database_from_the_environment():
    result = run_settings(
        "print(settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'], settings.DEBUG)",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.cn, www.example.cn",
        DATABASE_URL="postgres://user@db.example.cn:5432/cms",
    )
    assert result.returncode == 0, result.stderr
    assert "['news.example.cn', 'www.example.cn']" in result.stdout
    assert "postgresql" in result.stdout and "False" in result.stdout


def test_redis_url_selects_the_shared_redis_cache():
    result = run_settings(
        "print(settings.CACHES['default']['BACKEND'])",
        SECRET_KEY="x",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert "RedisCache" in result.stdout


def test_invalid_debug_value_is_refused():
    result = run_settings("print(1)", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_redis_cache_round_trip():
    from django.core.cache import cache

    cache.set("hzcms-test", "党史", 10)
    assert cache.get("hzcms-test") == "党史"


def test_manage_py_without_configuration_says_what_is_missing():
    """An operator who forgets SECRET_KEY gets one clear line, not a traceback."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Configuration error: SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
