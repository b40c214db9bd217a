import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from audit.commands import command_user
from audit.log import Action, record
from importing.exporter import article_to_dict, article_to_text

JSON_FILE = "articles.json"


class Command(BaseCommand):
    help = (
        "Export articles. --format text writes each article in the import layout "
        "(one <slug>.txt per article, into --out); --format json writes one object "
        "per article, to --out/articles.json or as a JSON array on standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--out", type=Path, metavar="DIR", help="folder to write into")
        parser.add_argument(
            "--status", metavar="STATUS", help="only articles with this status (default: all)"
        )

    def handle(self, *args, format, out, status, **options):
        articles = Article.objects.prefetch_related("sections", "bylines", "districts", "tags")
        if status:
            articles = articles.filter(status=status)
        articles = articles.order_by("pk")
        if out is not None:
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"cannot create {out}: {exc.strerror}") from exc

        if format == "json":
            payload = json.dumps(
                [article_to_dict(a) for a in articles.iterator(chunk_size=200)],
                ensure_ascii=False,
                indent=2,
            )
            if out is None:
                self.stdout.write(payload)
            else:
                (out / JSON_FILE).write_text(payload + "\n", encoding="utf-8")
                self._done(out / JSON_FILE, options)
            self._audit(format, out or "standard output", status)
            return

        if out is None:
            raise CommandError("--format text writes one file per article: give --out DIR")
        count = 0
        for article in articles.iterator(chunk_size=200):
            (out / f"{article.slug}.txt").write_text(article_to_text(article), encoding="utf-8")
            count += 1
        self._done(f"{count} article file(s) in {out}", options)
        self._audit(format, out, status, count)

    def _audit(self, format, destination, status, count=None):
        counted = f"，{count} 篇" if count is not None else ""
        record(
            Action.EXPORT,
            username=command_user(),
            detail=f"格式 {format}，状态 {status or '全部'}{counted}，写入 {destination}",
        )

    def _done(self, what, options):
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Exported {what}"))
