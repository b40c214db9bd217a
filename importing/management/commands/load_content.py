from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from importing.loader import load_content_dir


class Command(BaseCommand):
    help = (
        "Load the shipped content (districts, campaigns, programmes and their "
        "articles) from content/<year>/content.json. Safe to run again: rows that "
        "already match are left untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "content_dir",
            nargs="?",
            type=Path,
            default=None,
            help="folder holding <year>/content.json (default: the project's content/)",
        )

    def handle(self, *args, content_dir, **options):
        counts = load_content_dir(content_dir or settings.CONTENT_DIR)
        if options["verbosity"] >= 1:
            summary = ", ".join(f"{k} {counts[k]}" for k in ("created", "updated", "unchanged"))
            self.stdout.write(self.style.SUCCESS(f"Content loaded: {summary}"))
