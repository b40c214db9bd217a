"""Suggest draft programmes from the enumerated slogans found in an imported
article, for an editor to review."""

from articles.models import Programme, ProgrammeItem
from core.status import Status
from districts.models import normalize_district_label
from search.indexing import index_object

from .enumerations import find_enumerations


def preview_programmes(parsed):
    """What `suggest_programmes` would look at, for a dry run: one line per finding."""
    return [
        _label(enumeration)
        for section in parsed.sections
        for enumeration in find_enumerations(section.paragraphs, section.heading)
    ]


def suggest_programmes(article, parsed, campaign, districts):
    """Create draft programmes for enumerated slogans, in their district's
    section, and link them to the article. `districts` maps normalised labels
    to districts. Returns one line per finding."""
    notes = []
    for section in parsed.sections:
        district = districts.get(normalize_district_label(section.district_label))
        for enumeration in find_enumerations(section.paragraphs, section.heading):
            notes.append(_suggest(article, campaign, district, section, enumeration))
    return notes


def _suggest(article, campaign, district, section, enumeration):
    label = _label(enumeration)
    if campaign is None or district is None:
        return f"{label}: not created (needs a campaign and a district section)"
    programme, created = _draft_programme(campaign, district, section, enumeration)
    article.programmes.add(programme)
    if created:
        return f"{label}: draft programme created for {district.name}"
    return f"{label}: already exists for {district.name}"


def _draft_programme(campaign, district, section, enumeration):
    """The campaign's programme of this name in the district, created as a draft
    with the enumeration's items if there is none yet."""
    programme, created = Programme.objects.get_or_create(
        campaign=campaign,
        district=district,
        name=enumeration.name,
        defaults={"headline": section.heading or enumeration.name, "status": Status.DRAFT},
    )
    if created:
        ProgrammeItem.objects.bulk_create(
            ProgrammeItem(programme=programme, position=i, title=title)
            for i, title in enumerate(enumeration.items)
        )
        index_object(programme)
    return programme, created


def _label(enumeration):
    return f"{enumeration.name} ({len(enumeration.items)})"
