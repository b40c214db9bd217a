"""Settings for the app servers tests/deploy/test_two_app_servers.py starts:
config.settings, unchanged, except that static files come from a scratch folder.

config.settings fixes STATIC_ROOT to the checkout's staticfiles/, and the
production storage (whitenoise's manifest) needs `collectstatic` to have run
there. The test collects into a temporary folder instead (DEPLOY_TEST_STATIC_ROOT)
so it leaves the checkout as it found it. Everything else, DEBUG included,
comes from the environment exactly as in production (README "Configuration").
"""

import os

from config.settings import *  # noqa: F403

STATIC_ROOT = os.environ["DEPLOY_TEST_STATIC_ROOT"]
