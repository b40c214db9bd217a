"""The search index moves here from the articles app; its tables keep their
articles_* names. Entries of items without a schedule (programmes, districts)
get their publication time, so one visibility rule covers every entry."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

MOVED = ["searchentry", "searchdocument"]


def move_content_types(apps, old_app, new_app):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not content_type.objects.filter(app_label=new_app, model=model).exists():
            content_type.objects.filter(app_label=old_app, model=model).update(app_label=new_app)


def forwards(apps, schema_editor):
    move_content_types(apps, "articles", "search")
    entry = apps.get_model("search", "SearchEntry")
    # sort_date is when the item was last saved: in the past, like a creation time.
    entry.objects.exclude(kind="article").filter(published_at__isnull=True).update(
        published_at=F("sort_date")
    )


def backwards(apps, schema_editor):
    move_content_types(apps, "search", "articles")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables this takes over are created there.
        ("articles", "0003_search_backends"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SearchEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=20, verbose_name='类别')),
                        ('object_id', models.BigIntegerField(verbose_name='对象编号')),
                        ('title', models.CharField(max_length=300, verbose_name='标题')),
                        ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                        ('status', models.CharField(choices=[('draft', '草稿'), ('review', '待审核'), ('published', '已发布'), ('unpublished', '已撤下'), ('archived', '已归档')], max_length=20, verbose_name='状态')),
                        ('published_at', models.DateTimeField(null=True, verbose_name='发布时间')),
                        ('expires_at', models.DateTimeField(null=True, verbose_name='下线时间')),
                        ('sort_date', models.DateTimeField(null=True, verbose_name='排序时间')),
                        ('year', models.PositiveSmallIntegerField(null=True, verbose_name='年份')),
                        ('district_slugs', models.CharField(blank=True, max_length=500, verbose_name='城区')),
                        ('tag_slugs', models.TextField(blank=True, verbose_name='标签')),
                        ('boost', models.FloatField(default=1.0, verbose_name='权重')),
                    ],
                    options={
                        'verbose_name': '搜索索引条目',
                        'verbose_name_plural': '搜索索引条目',
                        'db_table': 'articles_searchentry',
                    },
                ),
                migrations.CreateModel(
                    name='SearchDocument',
                    fields=[
                        ('entry', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='document', serialize=False, to='search.searchentry')),
                        ('body', models.TextField(blank=True, verbose_name='正文')),
                        ('title_words', models.TextField(blank=True, verbose_name='标题分词')),
                        ('body_words', models.TextField(blank=True, verbose_name='正文分词')),
                    ],
                    options={
                        'verbose_name': '搜索文本',
                        'verbose_name_plural': '搜索文本',
                        'db_table': 'articles_searchdocument',
                    },
                ),
                migrations.AddIndex(
                    model_name='searchentry',
                    index=models.Index(fields=['status', 'published_at'], name='search_visible_idx'),
                ),
                migrations.AddIndex(
                    model_name='searchentry',
                    index=models.Index(fields=['sort_date'], name='search_sort_date_idx'),
                ),
                migrations.AddConstraint(
                    model_name='searchentry',
                    constraint=models.UniqueConstraint(fields=('kind', 'object_id'), name='unique_search_entry'),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
