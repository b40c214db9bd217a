"""Test settings: the real settings module, with what a test run needs."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from config.settings import *  # noqa: F403

# Hashing passwords slowly protects users, not tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The manifest needs `collectstatic`; tests render templates without running it.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain HTTP; HTTPS redirects are tested on their own.
SECURE_SSL_REDIRECT = False
# Two-factor sign-in is switched on by the tests that exercise it.
ADMIN_REQUIRE_2FA = False
