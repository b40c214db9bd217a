"""Searching the image library in the admin: Chinese queries are split into
words by the search app's segmenter, and every word must be found in the
title, caption, credit, source, alt text or tags."""

import pytest
from django.urls import reverse

from images import search_hooks
from images.admin import ImageAdmin

from ..admin_helpers import login_as
from .conftest import make_image

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:images_image_changelist")


@pytest.fixture
def library():
    """Three pictures told apart by their texts and tags."""
    party = make_image(
        title="红色展馆参观",
        caption="上城区的党员在望江街道参观红色展馆。",
        credit="王小明",
        alt_text="党员们在展板前听讲解",
    )
    river = make_image(title="钱塘江夜景", caption="滨江区江边灯光秀。", source="杭州日报")
    tagged = make_image(title="会场", caption="会议现场。")
    tagged.tags.add("党史学习教育", "动员部署会")
    return party, river, tagged


def titles_found(client, query):
    response = client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    return sorted(image.title for image in response.context["cl"].result_list)


def test_a_query_without_spaces_is_split_into_words(client, library):
    """“上城区党员” is not in the caption as written (上城区的党员…), but its words are."""
    login_as(client, "superuser")
    assert titles_found(client, "上城区党员") == ["红色展馆参观"]
    assert titles_found(client, "望江街道红色展馆") == ["红色展馆参观"]


def test_every_word_must_match_some_field(client, library):
    login_as(client, "superuser")
    # 王小明 is the credit, 党员 the caption: different fields, both found.
    assert titles_found(client, "王小明党员") == ["红色展馆参观"]
    assert titles_found(client, "上城区党员灯光秀") == []
    assert titles_found(client, "西湖断桥") == []


def test_other_fields_and_tags_are_searched(client, library):
    login_as(client, "superuser")
    assert titles_found(client, "杭州日报") == ["钱塘江夜景"]
    assert titles_found(client, "展板讲解") == ["红色展馆参观"]
    assert titles_found(client, "党史学习") == ["会场"]
    assert titles_found(client, "动员部署会 党史") == ["会场"]


def test_an_image_matching_several_tags_is_listed_once(client, library):
    login_as(client, "superuser")
    _, _, tagged = library
    tagged.tags.add("党史讲座")
    response = client.get(CHANGELIST, {"q": "党史"})
    assert [image.pk for image in response.context["cl"].result_list] == [tagged.pk]
    assert response.context["cl"].result_count == 1


def test_district_editors_search_only_their_districts_images(client, districts, library):
    shangcheng, _, binjiang = districts
    party, river, _ = library
    party.districts.add(binjiang)
    river.districts.add(shangcheng)
    login_as(client, "district")
    assert titles_found(client, "上城区党员") == []
    assert titles_found(client, "灯光秀") == ["钱塘江夜景"]


def test_without_a_segmenter_words_are_split_on_spaces(client, library, monkeypatch):
    monkeypatch.setattr(search_hooks, "QUERY_SPLITTERS", [])
    login_as(client, "superuser")
    assert titles_found(client, "上城区党员") == []
    assert titles_found(client, "上城区 党员") == ["红色展馆参观"]


def test_the_searched_fields_are_the_admins():
    assert set(search_hooks.SEARCHED_FIELDS) == set(ImageAdmin.search_fields)
