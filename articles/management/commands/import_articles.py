from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing import FAILED, import_paths
from articles.models import Status
from districts.models import Campaign


class Command(BaseCommand):
    help = (
        "Import article text files (laid out like content/2021/articles/*.txt). "
        "Folders are searched for *.txt. Each file is written whole or not at all; "
        "importing a file again updates its article instead of duplicating it."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument(
            "--status",
            choices=[Status.DRAFT, Status.PUBLISHED],
            default=Status.DRAFT,
            help="status of newly created articles (default: draft)",
        )
        parser.add_argument("--campaign", metavar="SLUG", help="attach articles to this campaign")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )

    def handle(self, *args, paths, status, campaign, dry_run, **options):
        campaign_obj = None
        if campaign:
            campaign_obj = Campaign.objects.filter(slug=campaign).first()
            if campaign_obj is None:
                raise CommandError(f"no campaign with slug {campaign!r}")

        report = import_paths(paths, status=status, dry_run=dry_run, campaign=campaign_obj)
        verbosity = options["verbosity"]
        for result in report.results:
            if result.action == FAILED:
                self.stderr.write(self.style.ERROR(result.describe()))
            elif verbosity >= 1:
                self.stdout.write(result.describe())
        prefix = "dry run, nothing written: " if dry_run else ""
        if verbosity >= 1 or report.failed:
            self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
        if report.failed:
            raise CommandError(f"{len(report.failed)} file(s) could not be imported")
