from django.core.management.base import BaseCommand

from website.roles import GROUP_PERMISSIONS, ensure_editor_groups


class Command(BaseCommand):
    help = (
        "Create or refresh the editor groups (新闻编辑, 发布者, 城区编辑) with their "
        "permissions. `migrate` does this too; run it after changing permissions."
    )

    def handle(self, *args, **options):
        ensure_editor_groups()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS("Groups ready: " + ", ".join(GROUP_PERMISSIONS)))
