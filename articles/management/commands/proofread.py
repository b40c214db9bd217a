from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from core.status import Status
from proofreading.checker import Proofreader, blocking

from ...models import Article
from ...proofreading import for_proofreading, proofread_article

# Articles read from the database at a time; their sections come in one query each batch.
CHUNK_SIZE = 500


class Command(BaseCommand):
    help = (
        "Proofread articles against the word list (admin: 校对 › 校对词条) and the "
        "dissolved districts' names, and print a report grouped by article: title, id, "
        "admin address, then each hit with where it is, found → suggestion and "
        "severity; a summary line last. Exit status: 0 when no high-severity (高) hit "
        "was found, 1 when there was one (for monitoring; low-severity hits alone "
        "exit 0), 2 for wrong arguments."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID", help="article ids")
        parser.add_argument("--all", action="store_true", help="every article (the archive)")
        parser.add_argument(
            "--status",
            choices=Status.values,
            help="only articles with this status, e.g. published",
        )
        parser.add_argument("--high-only", action="store_true", help="list only high-severity hits")

    def handle(self, *args, **options):
        ids, status, high_only = options["ids"], options["status"], options["high_only"]
        if not ids and not options["all"]:
            raise CommandError("give article ids or --all", returncode=2)
        articles = Article.objects.order_by("pk")
        if ids:
            articles = articles.filter(pk__in=ids)
        if status:
            articles = articles.filter(status=status)
        articles = for_proofreading(
            articles.only("pk", "title", "summary", "closing_slogan", "published_at", "status")
        )
        reader = Proofreader.load()
        verbosity = options["verbosity"]
        checked = flagged = high = low = 0
        for article in articles.iterator(chunk_size=CHUNK_SIZE):
            checked += 1
            hits = proofread_article(article, proofreader=reader)
            severe = blocking(hits)
            high += len(severe)
            low += len(hits) - len(severe)
            shown = severe if high_only else hits
            if not shown:
                continue
            flagged += 1
            if verbosity >= 1:
                self._print_article(article, shown)
        summary = (
            f"{checked} article(s) checked, {flagged} with hits: "
            f"{high} high-severity (高), {low} low-severity (低)."
        )
        if verbosity >= 1:
            self.stdout.write((self.style.ERROR if high else self.style.SUCCESS)(summary))
        if high:
            raise CommandError(f"{high} high-severity hit(s) found", returncode=1)

    def _print_article(self, article, hits):
        url = reverse("admin:articles_article_change", args=[article.pk])
        self.stdout.write(f"#{article.pk} {article.title}  {url}  [{article.get_status_display()}]")
        for hit in hits:
            change = f"{hit.found} → {hit.suggestion}" if hit.suggestion else hit.found
            line = f"    {hit.label}: {change}  ({hit.severity_label})  “{hit.context}”"
            self.stdout.write(self.style.ERROR(line) if hit.is_blocking else line)
        self.stdout.write("")
