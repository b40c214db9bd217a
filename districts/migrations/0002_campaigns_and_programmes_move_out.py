"""Campaigns and programmes now live in the articles app (articles 0004);
district tags use the core app's tag table. State only: no table changes."""

import taggit.managers
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_campaigns_and_programmes_move_in"),
        ("core", "0001_initial"),
        ("districts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='programme',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='keyfigure',
                    name='programme',
                ),
                migrations.RemoveField(
                    model_name='programme',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='programme',
                    name='tags',
                ),
                migrations.RemoveField(
                    model_name='programmeevent',
                    name='programme',
                ),
                migrations.RemoveField(
                    model_name='programmeitem',
                    name='programme',
                ),
                migrations.AlterField(
                    model_name='district',
                    name='tags',
                    field=taggit.managers.TaggableManager(blank=True, help_text='多个标签用逗号分隔。', through='core.TaggedItem', to='core.Tag', verbose_name='标签'),
                ),
                migrations.DeleteModel(
                    name='KeyFigure',
                ),
                migrations.DeleteModel(
                    name='ProgrammeEvent',
                ),
                migrations.DeleteModel(
                    name='ProgrammeItem',
                ),
                migrations.DeleteModel(
                    name='Programme',
                ),
                migrations.DeleteModel(
                    name='Campaign',
                ),
            ],
        ),
    ]
