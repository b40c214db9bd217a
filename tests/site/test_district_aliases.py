"""An alias that only writes its district's own name another way (高新区（滨江）
for 高新区(滨江): bracket width, spaces) is never kept, so no page lists a
district as its own alias; the importer still matches that writing through the
name itself."""

import importlib
import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from districts.models import District, DistrictAlias, normalize_district_label
from importing.importer import district_index
from importing.loader import load_content_file
from tests.admin_helpers import admin_url, form_data, login_as

OWN_NAME_WRITINGS = ["高新区（滨江）", "高新区(滨江)", "高新区 （滨江）", "高新区（滨江\u3000）"]


@pytest.mark.parametrize("name", OWN_NAME_WRITINGS)
def test_an_alias_equal_to_the_name_is_refused(districts, name):
    binjiang = districts[2]
    with pytest.raises(ValidationError) as refused:
        DistrictAlias(district=binjiang, name=name).full_clean()
    assert "别称与城区名称相同" in str(refused.value.message_dict["name"])


def test_other_aliases_are_accepted(districts):
    shangcheng, _, binjiang = districts
    DistrictAlias(district=binjiang, name="滨江").full_clean()
    # The name of another district is not this rule's concern.
    DistrictAlias(district=shangcheng, name="上城").full_clean()


def test_the_admin_inline_refuses_it_and_keeps_the_others(client, content):
    login_as(client, "superuser")
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    url = admin_url(binjiang, "change", binjiang.pk)
    data = form_data(client.get(url))
    extra = int(data["aliases-INITIAL_FORMS"])  # the first empty form
    data[f"aliases-{extra}-name"] = "高新区 （滨江）"
    data[f"aliases-{extra}-district"] = str(binjiang.pk)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "别称与城区名称相同" in response.content.decode()
    assert not binjiang.aliases.filter(name="高新区 （滨江）").exists()


def test_the_admin_refuses_it_for_a_renamed_district_too(client, content):
    """The check compares with the name as submitted, not as stored."""
    login_as(client, "superuser")
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    url = admin_url(binjiang, "change", binjiang.pk)
    data = form_data(client.get(url))
    data["name"] = "滨江区（高新区）"
    extra = int(data["aliases-INITIAL_FORMS"])
    data[f"aliases-{extra}-name"] = "滨江区(高新区)"
    data[f"aliases-{extra}-district"] = str(binjiang.pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "别称与城区名称相同" in response.content.decode()


def test_the_shipped_content_has_no_such_alias_and_pages_do_not_list_it(client, content):
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    assert sorted(binjiang.aliases.values_list("name", flat=True)) == ["滨江", "滨江区", "高新区"]
    for page in [binjiang.get_absolute_url(), reverse("website:district_list")]:
        body = client.get(page).content.decode()
        [listed] = re.findall(r"又称：([^<]*高新区[^<]*)<", body)
        names = [name.strip() for name in listed.split("、")]
        assert names == ["滨江", "滨江区", "高新区"], (page, names)


def test_the_loader_skips_it(db, tmp_path):
    content_file = tmp_path / "2099" / "content.json"
    content_file.parent.mkdir()
    content_file.write_text(
        json.dumps(
            {
                "districts": [
                    {
                        "slug": "gaoxin-binjiang",
                        "name": "高新区(滨江)",
                        "aliases": ["高新区（滨江）", "高新区 (滨江)", "滨江区"],
                    }
                ],
                "campaign": {"slug": "test", "title": "测试", "year": 2099},
            }
        ),
        encoding="utf-8",
    )
    load_content_file(content_file)
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    assert list(binjiang.aliases.values_list("name", flat=True)) == ["滨江区"]
    # A second run finds nothing to change.
    assert load_content_file(content_file)["updated"] == 0


def test_the_migration_deletes_only_such_aliases(districts):
    shangcheng = districts[0]  # binjiang has 高新区（滨江） in the fixture, as old databases do
    DistrictAlias.objects.create(district=shangcheng, name="上城 区")
    DistrictAlias.objects.create(district=shangcheng, name="上城")
    migration = importlib.import_module(
        "districts.migrations.0003_drop_aliases_that_are_the_own_name"
    )
    migration.forwards(apps, None)
    assert sorted(DistrictAlias.objects.values_list("name", flat=True)) == [
        "上城",
        "滨江区",
        "高新区",
    ]


@pytest.mark.parametrize("label", OWN_NAME_WRITINGS)
def test_the_importer_still_matches_every_writing_of_the_name(content, tmp_path, label):
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    assert not binjiang.aliases.filter(name="高新区（滨江）").exists()
    assert district_index()[normalize_district_label(label)] == binjiang

    path = tmp_path / "article.txt"
    path.write_text(
        f"标题\n发布时间:2021-03-11\n\n导语。\n\n{label}\n\n开设七大“课程”\n\n正文。",
        encoding="utf-8",
    )
    call_command("import_articles", str(path), verbosity=0)
    section = Article.objects.get(source_file="article.txt").sections.get(position=1)
    assert section.district == binjiang
    assert section.district_label == label
