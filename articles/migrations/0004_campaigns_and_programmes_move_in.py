"""Campaigns and programmes (with their items, key figures and events) move
here from the districts app, so districts knows nothing of content. Only
Django's record of the models changes; the tables keep their districts_*
names. Saved versions name their model in the serialised data: those are
rewritten so old versions can still be compared and restored."""

import json

import django.db.models.deletion
import taggit.managers
from django.db import migrations, models


def move_content_types(apps, old_app, new_app, models):
    """Rename the content types of moved models in place: permissions, group
    grants, admin log entries, tagged items and saved versions keep pointing
    at them."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if content_type.objects.filter(app_label=new_app, model=model).exists():
            continue
        content_type.objects.filter(app_label=old_app, model=model).update(app_label=new_app)

MOVED = ['campaign', 'programme', 'programmeitem', 'keyfigure', 'programmeevent']


def relabel_versions(apps, old_app, new_app):
    version = apps.get_model("reversion", "Version")
    labels = {f"{old_app}.{name}": f"{new_app}.{name}" for name in MOVED}
    for saved in version.objects.filter(
        content_type__app_label=new_app, content_type__model__in=MOVED, format="json"
    ).iterator():
        data = json.loads(saved.serialized_data)
        for item in data:
            item["model"] = labels.get(item["model"], item["model"])
        saved.serialized_data = json.dumps(data, ensure_ascii=False)
        saved.save(update_fields=["serialized_data"])


def forwards(apps, schema_editor):
    move_content_types(apps, "districts", "articles", MOVED)
    relabel_versions(apps, "districts", "articles")


def backwards(apps, schema_editor):
    move_content_types(apps, "articles", "districts", MOVED)
    relabel_versions(apps, "articles", "districts")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_search_backends"),
        ("core", "0001_initial"),
        ("districts", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('review', '待审核'), ('published', '已发布'), ('unpublished', '已撤下'), ('archived', '已归档')], db_index=True, default='draft', max_length=20, verbose_name='状态')),
                        ('title', models.CharField(max_length=100, verbose_name='名称')),
                        ('slug', models.SlugField(max_length=60, unique=True, verbose_name='网址名')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='年份')),
                        ('slogan', models.CharField(blank=True, max_length=100, verbose_name='口号')),
                        ('summary', models.TextField(blank=True, verbose_name='导语')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '专题',
                        'verbose_name_plural': '专题',
                        'db_table': 'districts_campaign',
                        'ordering': ['-year', 'title'],
                        'permissions': [('publish_campaign', '可以发布和撤下专题')],
                    },
                ),
                migrations.CreateModel(
                    name='KeyFigure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='顺序')),
                        ('label', models.CharField(help_text='如“巡回宣讲”。', max_length=100, verbose_name='指标')),
                        ('value', models.PositiveIntegerField(verbose_name='数值')),
                        ('unit', models.CharField(blank=True, help_text='如“场”“项”。', max_length=10, verbose_name='单位')),
                        ('qualifier', models.CharField(blank=True, help_text='如“不少于”。', max_length=20, verbose_name='限定词')),
                        ('source_text', models.CharField(blank=True, help_text='如“六大专题活动”。', max_length=100, verbose_name='原文表述')),
                    ],
                    options={
                        'verbose_name': '关键数据',
                        'verbose_name_plural': '关键数据',
                        'db_table': 'districts_keyfigure',
                        'ordering': ['programme', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Programme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('review', '待审核'), ('published', '已发布'), ('unpublished', '已撤下'), ('archived', '已归档')], db_index=True, default='draft', max_length=20, verbose_name='状态')),
                        ('name', models.CharField(help_text='如“五学五争”。', max_length=50, verbose_name='名称')),
                        ('slug', models.SlugField(blank=True, help_text='留空时由名称拼音生成。', max_length=80, unique=True, verbose_name='网址名')),
                        ('headline', models.CharField(help_text='如“以“五学五争”开展党史学习教育”。', max_length=200, verbose_name='标题')),
                        ('summary', models.TextField(blank=True, verbose_name='概述')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='在专题中的顺序')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                    ],
                    options={
                        'verbose_name': '举措',
                        'verbose_name_plural': '举措',
                        'db_table': 'districts_programme',
                        'ordering': ['campaign', 'position', 'pk'],
                        'permissions': [('publish_programme', '可以发布和撤下举措')],
                    },
                ),
                migrations.CreateModel(
                    name='ProgrammeEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='顺序')),
                        ('title', models.CharField(max_length=200, verbose_name='事项')),
                        ('date', models.DateField(blank=True, null=True, verbose_name='日期')),
                        ('date_precision', models.CharField(choices=[('day', '具体到日'), ('month', '具体到月'), ('year', '具体到年'), ('unknown', '日期不详')], default='day', max_length=10, verbose_name='日期精度')),
                        ('date_text', models.CharField(blank=True, help_text='原文的写法，如“3月5日”“昨天”“近日”。', max_length=30, verbose_name='原文日期')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='备注')),
                    ],
                    options={
                        'verbose_name': '时间节点',
                        'verbose_name_plural': '时间节点',
                        'db_table': 'districts_programmeevent',
                        'ordering': ['programme', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ProgrammeItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('item', '条目'), ('activity', '专项活动'), ('sub_course', '子课程')], default='item', max_length=20, verbose_name='类别')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='顺序')),
                        ('title', models.CharField(max_length=200, verbose_name='内容')),
                        ('description', models.TextField(blank=True, verbose_name='说明')),
                    ],
                    options={
                        'verbose_name': '举措条目',
                        'verbose_name_plural': '举措条目',
                        'db_table': 'districts_programmeitem',
                        'ordering': ['programme', 'kind', 'position', 'pk'],
                    },
                ),
                migrations.AlterField(
                    model_name='article',
                    name='tags',
                    field=taggit.managers.TaggableManager(blank=True, help_text='多个标签用逗号分隔。', through='core.TaggedItem', to='core.Tag', verbose_name='标签'),
                ),
                migrations.AddField(
                    model_name='campaign',
                    name='report_article',
                    field=models.ForeignKey(blank=True, help_text='专题页所依据的稿件。', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reported_campaigns', to='articles.article', verbose_name='报道稿件'),
                ),
                migrations.AddField(
                    model_name='campaign',
                    name='tags',
                    field=taggit.managers.TaggableManager(blank=True, help_text='多个标签用逗号分隔。', through='core.TaggedItem', to='core.Tag', verbose_name='标签'),
                ),
                migrations.AlterField(
                    model_name='article',
                    name='campaign',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='articles.campaign', verbose_name='所属专题'),
                ),
                migrations.AddField(
                    model_name='programme',
                    name='campaign',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='articles.campaign', verbose_name='专题'),
                ),
                migrations.AddField(
                    model_name='programme',
                    name='district',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='districts.district', verbose_name='城区'),
                ),
                migrations.AddField(
                    model_name='programme',
                    name='tags',
                    field=taggit.managers.TaggableManager(blank=True, help_text='多个标签用逗号分隔。', through='core.TaggedItem', to='core.Tag', verbose_name='标签'),
                ),
                migrations.AddField(
                    model_name='keyfigure',
                    name='programme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='figures', to='articles.programme', verbose_name='举措'),
                ),
                migrations.AlterField(
                    model_name='article',
                    name='programmes',
                    field=models.ManyToManyField(blank=True, related_name='articles', to='articles.programme', verbose_name='相关举措'),
                ),
                migrations.AddField(
                    model_name='programmeevent',
                    name='programme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='articles.programme', verbose_name='举措'),
                ),
                migrations.AddField(
                    model_name='programmeitem',
                    name='programme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='articles.programme', verbose_name='举措'),
                ),
                migrations.AddConstraint(
                    model_name='campaign',
                    constraint=models.UniqueConstraint(fields=('year', 'title'), name='unique_campaign_per_year'),
                ),
                migrations.AddConstraint(
                    model_name='programme',
                    constraint=models.UniqueConstraint(fields=('campaign', 'district', 'name'), name='unique_programme_per_district'),
                ),
                migrations.AddConstraint(
                    model_name='programmeevent',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('date__isnull', True), ('date_precision', 'unknown')), models.Q(models.Q(('date_precision', 'unknown'), _negated=True), ('date__isnull', False)), _connector='OR'), name='event_date_matches_precision', violation_error_message='日期不详时不要填写日期；其他精度必须填写日期。'),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
