import sys

from django.core.management.base import BaseCommand

from search.indexing import count_items, rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index of articles, programmes and districts from scratch. "
        "Saves and imports keep it up to date; run this after restoring a database "
        "or changing how text is segmented."
    )

    def handle(self, *args, **options):
        total = count_items()
        bar = None
        if options["verbosity"] >= 1 and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=total, unit="item", file=sys.stderr, leave=False)
        done = rebuild(progress=bar.update if bar else None)
        if bar:
            bar.close()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {done} items"))
