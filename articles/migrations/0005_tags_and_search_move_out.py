"""Tags (now core) and the search index (now search) leave the articles
app's records. State only: no table changes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_campaigns_and_programmes_move_in"),
        ("districts", "0002_campaigns_and_programmes_move_out"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="SearchDocument"),
                migrations.DeleteModel(name="SearchEntry"),
                migrations.DeleteModel(name="TaggedItem"),
                migrations.DeleteModel(name="Tag"),
            ],
        ),
    ]
