import re
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.models import AuditEntry

UNITS = {"d": "days", "h": "hours", "w": "weeks"}


def parse_age(text):
    """'180d', '12h', '26w' → a timedelta."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*([dhw])\s*", text or "")
    if match is None:
        raise CommandError(f"--older-than takes a number and d, h or w (e.g. 180d), not {text!r}")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = (
        "Remove audit log entries older than the retention period "
        "(default AUDIT_LOG_RETENTION_DAYS, 180 days: China's Cybersecurity Law "
        "asks network logs to be kept at least six months)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            metavar="AGE",
            default=f"{settings.AUDIT_LOG_RETENTION_DAYS}d",
            help="e.g. 180d, 26w or 4320h (default: %(default)s)",
        )
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    def handle(self, *args, older_than, dry_run, **options):
        age = parse_age(older_than)
        if age < timedelta(days=180):
            self.stderr.write(
                self.style.WARNING(
                    f"Keeping less than 180 days of log ({older_than}) is below the legal minimum."
                )
            )
        cutoff = timezone.now() - age
        if dry_run:
            count = AuditEntry.objects.filter(time__lt=cutoff).count()
            self.stdout.write(f"{count} entries older than {older_than} would be removed.")
            return
        count = AuditEntry.objects.prune_older_than(cutoff)
        self.stdout.write(self.style.SUCCESS(f"Removed {count} entries older than {older_than}."))
