"""`manage.py check_links [--external] [--json] [--max-pages N]`: crawl every
public page in-process and report broken internal links, pictures, feeds and
attachments (and, with --external, links to other sites), grouped by the
page they are on; exit status 1 when anything is broken."""

import json

from django.core.management.base import BaseCommand, CommandError

from website.links import MAX_PAGES, check_links


class Command(BaseCommand):
    help = (
        "检查全站链接：从首页和站点地图出发抓取所有公开页面，检查站内链接、图片、订阅源和附件；"
        "加 --external 时也检查外部链接。有失效链接时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--external", action="store_true", help="同时检查外部链接")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")
        parser.add_argument(
            "--max-pages", type=int, default=MAX_PAGES, help=f"最多抓取的页面数（默认 {MAX_PAGES}）"
        )
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="外部链接的超时秒数（默认 10）"
        )
        parser.add_argument(
            "--workers", type=int, default=4, help="同时检查外部链接的线程数（默认 4）"
        )

    def handle(self, *args, **options):
        report = check_links(
            external=options["external"],
            max_pages=options["max_pages"],
            timeout=options["timeout"],
            workers=max(1, options["workers"]),
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif options["verbosity"] > 0:
            self._write_text(report, verbose=options["verbosity"] > 1)
        if report.failed:
            raise CommandError(f"发现 {len(report.broken)} 个失效链接。", returncode=1)

    def _write_text(self, report, verbose):
        for page, findings in report.by_page().items():
            article = report.page_info.get(page)
            self.stdout.write(self.style.ERROR(f"页面 {page}"))
            if article:
                editor = article["last_edited_by"] or "（无）"
                self.stdout.write(
                    f"  稿件：{article['title']}  最后编辑：{editor}  后台：{article['admin_url']}"
                )
            for finding in findings:
                status = finding.status if finding.status is not None else "—"
                self.stdout.write(f"  ✗ {finding.url}  [{status}] {finding.reason}")
        if verbose:
            for finding in report.redirects:
                self.stdout.write(f"跳转 {finding.url}：{finding.reason}")
            for finding in report.skipped:
                self.stdout.write(f"跳过 {finding.url}：{finding.reason}")
        summary = (
            f"抓取页面 {report.pages_crawled} 个，检查站内链接 {report.links_checked} 个、"
            f"外部链接 {report.external_checked} 个；失效 {len(report.broken)} 个，"
            f"跳转 {len(report.redirects)} 个，按 robots.txt 跳过 {len(report.skipped)} 个。"
        )
        style = self.style.ERROR if report.failed else self.style.SUCCESS
        self.stdout.write(style(summary))
        if report.truncated:
            self.stdout.write(
                self.style.WARNING("已达到页面上限，部分页面未抓取（见 --max-pages）。")
            )
