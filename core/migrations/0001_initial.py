"""Tag and TaggedItem move here from the articles app. Only Django's record
of the models changes; the tables (articles_tag, articles_taggeditem) stay."""

import django.db.models.deletion
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


def forwards(apps, schema_editor):
    move_content_types(apps, "articles", "core", ["tag", "taggeditem"])


def backwards(apps, schema_editor):
    move_content_types(apps, "core", "articles", ["tag", "taggeditem"])


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
                    name='Tag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                        ('slug', models.SlugField(allow_unicode=True, max_length=100, unique=True, verbose_name='slug')),
                    ],
                    options={
                        'verbose_name': '标签',
                        'verbose_name_plural': '标签',
                        'db_table': 'articles_tag',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='TaggedItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.BigIntegerField(db_index=True, verbose_name='对象编号')),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='%(app_label)s_%(class)s_tagged_items', to='contenttypes.contenttype', verbose_name='content type')),
                        ('tag', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tagged_items', to='core.tag')),
                    ],
                    options={
                        'verbose_name': '标签关联',
                        'verbose_name_plural': '标签关联',
                        'db_table': 'articles_taggeditem',
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='taggeditem_object_idx')],
                        'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id', 'tag'), name='unique_tag_per_object')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
