import json
import sys

from django.core.management.base import BaseCommand, CommandError

from articles.models import Campaign
from audit.commands import command_user
from audit.log import Action, Outcome, record
from core.models import Tag
from core.status import Status
from importing.files import STDIN, collect_paths
from importing.importer import Importer
from importing.photos import photo_notes
from importing.report import CONFLICT, FAILED, ImportOptions

# Show a progress bar from this many files on, when stderr is a terminal.
PROGRESS_THRESHOLD = 20


class Command(BaseCommand):
    help = (
        "Import article text files laid out like content/2021/articles/*.txt, "
        "or Word files (.docx) laid out the same way, whose photos go into the image "
        "library with their captions and credits. "
        "PATH may be a file, a folder (every *.txt and *.docx below it) or - for "
        "standard input (text only). "
        "Each file is written whole or not at all; importing a file again updates "
        "its article instead of duplicating it, and an article an editor changed "
        "since its import is left alone (a conflict) unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or -")
        parser.add_argument(
            "--status",
            choices=[Status.DRAFT, Status.PUBLISHED],
            default=Status.DRAFT,
            help="status of newly created articles (default: draft)",
        )
        parser.add_argument(
            "--tag",
            action="append",
            default=[],
            dest="tags",
            metavar="NAME",
            help="add this tag to every imported article (repeatable)",
        )
        parser.add_argument("--campaign", metavar="SLUG", help="attach articles to this campaign")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )
        parser.add_argument(
            "--force", action="store_true", help="overwrite articles edited since their import"
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="stop at the first bad file and roll back everything this run wrote",
        )
        parser.add_argument(
            "--suggest-programmes",
            action="store_true",
            help="create draft programmes for enumerated slogans (“五学五争”，即…) found in district sections",
        )
        parser.add_argument(
            "--json", action="store_true", help="print a machine-readable report on stdout"
        )

    def handle(self, *args, **options):
        campaign = None
        if options["campaign"]:
            campaign = Campaign.objects.filter(slug=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"no campaign with slug {options['campaign']!r}")
        tags = [name.strip() for name in options["tags"] if name.strip()]
        # Checked here, once: a tag too long for its column would otherwise
        # fail every file of the run (and only on PostgreSQL).
        limit = Tag._meta.get_field("name").max_length
        for name in tags:
            if len(name) > limit:
                raise CommandError(f"--tag {name[:20]!r}… is longer than {limit} characters")
        if options["paths"].count(STDIN) > 1:
            raise CommandError("standard input (-) can be given only once")

        importer = Importer(
            ImportOptions(
                status=options["status"],
                campaign=campaign,
                tags=tuple(tags),
                dry_run=options["dry_run"],
                force=options["force"],
                strict=options["strict"],
                suggest_programmes=options["suggest_programmes"],
            ),
            keep_results=options["json"],
        )
        paths = list(collect_paths(options["paths"]))
        verbosity = options["verbosity"]
        with self._progress(len(paths), verbosity, options["json"], options["dry_run"]) as progress:
            report = importer.run(paths, progress=progress)
        if not options["dry_run"]:
            self._audit(options["paths"], report)

        if options["json"]:
            payload = report.as_dict()
            payload["dry_run"] = options["dry_run"]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_report(report, verbosity, options["dry_run"])
        if report.failures:
            raise CommandError(f"{len(report.failures)} file(s) could not be imported")

    def _audit(self, named, report):
        """One entry per run: who, which files or folders, and what came of it."""
        failed = [result.describe() for result in report.failures][:20]
        detail = f"路径：{'、'.join(str(p) for p in named)[:1000]}\n结果：{report.summary()}"
        if failed:
            detail += "\n失败：\n" + "\n".join(failed)
        record(
            Action.IMPORT,
            username=command_user(),
            outcome=Outcome.FAILURE if report.failures else Outcome.SUCCESS,
            detail=detail,
        )

    def _print_report(self, report, verbosity, dry_run):
        for result in report.failures:
            self.stderr.write(self.style.ERROR(result.describe()))
        for result in report.conflicts:
            self.stderr.write(self.style.WARNING(result.describe()))
        prefix = "dry run, nothing written: " if dry_run else ""
        if verbosity >= 1 or report.failures:
            self.stdout.write(self.style.SUCCESS(prefix + report.summary()))

    def _progress(self, total, verbosity, as_json, dry_run):
        # A dry run lists what each file would do; -v2 lists what each file did.
        detailed = not as_json and (verbosity >= 2 or (dry_run and verbosity >= 1))
        bar = (
            not detailed
            and not as_json
            and verbosity >= 1
            and total >= PROGRESS_THRESHOLD
            and sys.stderr.isatty()
        )
        return _Progress(total, bar=bar, detailed=detailed, write=self.stdout.write)


class _Progress:
    """A tqdm bar on stderr, or one line per file, or nothing."""

    def __init__(self, total, bar, detailed, write):
        self.total, self.use_bar, self.detailed, self.write = total, bar, detailed, write
        self.bar = None

    def __enter__(self):
        if self.use_bar:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="file", file=sys.stderr, leave=False)
        return self

    def __call__(self, result):
        if self.bar is not None:
            self.bar.update(1)
        elif self.detailed and result.action not in (FAILED, CONFLICT):
            self.write(result.describe())
            for note in result.warnings + photo_notes(result.photos) + result.suggested_programmes:
                self.write(f"    {note.describe() if hasattr(note, 'describe') else note}")

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
