"""Delete aliases that only write their district's own name another way
(高新区（滨江） beside 高新区(滨江)): pages listed the district as its own alias.
The importer still matches such a writing through the name itself
(importing.importer.district_index normalises both sides)."""

import re

from django.db import migrations

# A copy of districts.models.normalize_district_label as it is now: a migration
# must not change meaning when that function changes later.
_BRACKETS = str.maketrans({"（": "(", "）": ")"})
_SPACES = re.compile(r"[\s\u00a0\u3000]+")


def _normalize(text):
    return _SPACES.sub("", text.translate(_BRACKETS))


def forwards(apps, schema_editor):
    DistrictAlias = apps.get_model("districts", "DistrictAlias")
    own_names = [
        alias.pk
        for alias in DistrictAlias.objects.select_related("district")
        if _normalize(alias.name) == _normalize(alias.district.name)
    ]
    DistrictAlias.objects.filter(pk__in=own_names).delete()


class Migration(migrations.Migration):
    dependencies = [("districts", "0002_campaigns_and_programmes_move_out")]

    # Nothing to restore backwards: the deleted aliases added no lookup.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
