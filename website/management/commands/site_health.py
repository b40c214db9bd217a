"""`manage.py site_health [--json]`: each column's last visible update and
state, then the inspection's site-wide verdicts (website.health). Exit status
1 when a verdict fails, so an operator's monitoring can call it; warnings are
printed and exit 0."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from website.health import EMPTY, FAIL, OK, WARN, site_health


class Command(BaseCommand):
    help = (
        "检查网站健康（栏目更新）：各栏目最近更新时间与状态，首页更新、应更新未更新栏目、"
        "空白栏目、未标注发布时间的信息。有不合格项时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")

    def handle(self, *args, **options):
        report = site_health()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif options["verbosity"] > 0:
            self._write_text(report)
        if report.failed:
            raise CommandError("网站健康检查不合格。", returncode=1)

    def _styles(self):
        return {
            OK: self.style.SUCCESS,
            WARN: self.style.WARNING,
            FAIL: self.style.ERROR,
            EMPTY: self.style.ERROR,
        }

    def _write_text(self, report):
        styles = self._styles()
        checked = timezone.localtime(report.checked_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(f"网站健康（栏目更新），检查时间 {checked}")
        self.stdout.write("")
        self.stdout.write("状态    天数  最近更新          类型              栏目")
        for column in report.columns:
            last = (
                timezone.localtime(column.last_update).strftime("%Y-%m-%d %H:%M")
                if column.last_update
                else "—"
            )
            days = "—" if column.days is None else str(column.days)
            state = styles[column.state](_pad(column.state_label, 6))
            kind = column.kind_label + ("*" if column.custom else "")
            line = f"{state}  {days:>4}  {last:<16}  {_pad(kind, 16)}  {column.name}"
            self.stdout.write(line)
            for pk, title in column.undated:
                self.stdout.write(f"        未标注发布时间：#{pk} {title}")
        self.stdout.write("（* 为后台设置的更新要求）")
        self.stdout.write("")
        for verdict in report.verdicts:
            style = styles[verdict.state]
            self.stdout.write(style(f"{verdict.state_label}  {verdict.label}：{verdict.detail}"))
        self.stdout.write("")
        self.stdout.write(styles[report.state](f"总体：{report.state_label}"))


def _pad(text, width):
    """Pad to `width` terminal columns; a Chinese character takes two."""
    used = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return text + " " * max(width - used, 0)
