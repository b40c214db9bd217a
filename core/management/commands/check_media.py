"""`manage.py check_media [--json]`: every section the media apps register in
core.media_checks (missing files, unused media, images without alt text);
exit status 1 when a stored file is missing."""

import json

from django.core.management.base import BaseCommand, CommandError

from core.media_checks import MISSING, check_media


class Command(BaseCommand):
    help = (
        "检查媒体文件：文件缺失的附件和图片、未被使用的附件和图片、缺少替代文本的图片。"
        "有文件缺失时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")

    def handle(self, *args, **options):
        report = check_media()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif options["verbosity"] > 0:
            self._write_text(report)
        if report.something_missing:
            raise CommandError("发现缺失的媒体文件。", returncode=1)

    def _write_text(self, report):
        if not report.sections:
            self.stdout.write("没有应用登记媒体检查。")
        for section in report.sections:
            if not section.items:
                style = self.style.SUCCESS
            elif section.severity == MISSING:
                style = self.style.ERROR
            else:
                style = self.style.WARNING
            self.stdout.write(style(f"{section.label}：{len(section.items)}"))
            for item in section.items:
                self.stdout.write(f"  #{item['id']} {item['title']}  {item.get('file', '')}")
