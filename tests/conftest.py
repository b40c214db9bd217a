from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

SEED = Path(settings.CONTENT_DIR) / "2021" / "articles" / "000_7cfd02887c454dd1.txt"


@pytest.fixture
def seed_path():
    return SEED


@pytest.fixture
def content(db):
    """The shipped 2021 content, loaded as `make run` loads it."""
    call_command("load_content", verbosity=0)
