import json

from django.core.management.base import BaseCommand, CommandError

from documents.media_check import check_media

SECTIONS = [
    ("missing_documents", "文件缺失的附件"),
    ("unused_documents", "未被使用的附件"),
    ("missing_images", "文件缺失的图片"),
    ("images_without_alt", "缺少替代文字的图片（且未标为装饰性）"),
]


class Command(BaseCommand):
    help = (
        "检查媒体文件：文件缺失的附件和图片、未被使用的附件、缺少替代文字的图片。"
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
        for key, heading in SECTIONS:
            if "images" in key and not report.images_checked:
                continue
            items = getattr(report, key)
            style = self.style.WARNING if items else self.style.SUCCESS
            self.stdout.write(style(f"{heading}：{len(items)}"))
            for item in items:
                self.stdout.write(f"  #{item['id']} {item['title']}  {item.get('file', '')}")
        if not report.images_checked:
            self.stdout.write("图片：images 应用尚无带替代文字字段的图片模型，已跳过。")
