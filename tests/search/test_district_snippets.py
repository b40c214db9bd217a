"""A district result's snippet is cut from the district's own prose (简介 and
区划调整说明): its aliases and tags are searched but never shown glued to the
end of the text ("……。 上城")."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from districts.models import District
from search import service

# A snippet ends where its text ends (a sentence) or where it was cut (…).
SNIPPET_END = re.compile(r"[。！？”…]$")


def district_snippets(query):
    return {
        hit.obj.slug: strip_tags(str(hit.snippet_html))
        for hit in service.search(query, kinds=["district"]).hits
    }


def test_searching_shangcheng_shows_district_snippets_without_alias_text(content):
    snippets = district_snippets("上城")
    # 上城区 by its name and profile, 江干区 by its 区划调整说明 (merged into 上城区).
    assert {"shangcheng", "jianggan"} <= set(snippets)
    for slug, text in snippets.items():
        assert SNIPPET_END.search(text), (slug, text)
        district = District.objects.get(slug=slug)
        for alias in district.aliases.all():
            assert not text.endswith(alias.name), (slug, text)
    # 江干区's passage is its 区划调整说明, ending with the sentence.
    assert snippets["jianggan"].endswith("划入新设立的钱塘区。")


def test_the_results_page_shows_the_cut_snippet(client, content):
    page = client.get(reverse("search"), {"q": "上城", "type": "district"}).content.decode()
    snippets = [
        strip_tags(s).strip() for s in re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)
    ]
    assert snippets
    for text in snippets:
        assert SNIPPET_END.search(text), text
        assert not text.endswith("上城") and not text.endswith("江干"), text


@pytest.mark.parametrize("alias", ["滨江区", "高新区", "高新区（滨江）"])
def test_aliases_still_find_their_district(content, alias):
    binjiang = District.objects.get(slug="gaoxin-binjiang")
    hits = service.search(alias, kinds=["district"]).hits
    assert [hit.obj for hit in hits] == [binjiang]
    text = strip_tags(str(hits[0].snippet_html))
    # The passage is the profile, without the alias list after it.
    assert text.startswith("高新区") and text.endswith("世界一流高科技园区。"), text


def test_an_alias_only_in_the_index_words_is_not_in_the_snippet_text(content):
    from search.models import SearchEntry

    entry = SearchEntry.objects.select_related("document").get(
        kind="district", object_id=District.objects.get(slug="gaoxin-binjiang").pk
    )
    assert "滨江区" not in entry.document.body
    assert "滨江区" in entry.document.body_words.replace(" ", "")
