"""Load the shipped content (content/<year>/content.json and its article files).

Loading is idempotent: rows are found by their slugs, and a row is saved only
when a value differs, so a second run writes nothing and reports "unchanged".
"""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from articles.models import (
    Article,
    Campaign,
    KeyFigure,
    Programme,
    ProgrammeEvent,
    ProgrammeItem,
)
from core.status import Status
from districts.models import District, DistrictAlias, is_own_name
from search.indexing import index_object

from .importer import import_file
from .report import FAILED

CONTENT_FILE = "content.json"


class ContentError(CommandError):
    pass


def content_files(content_dir):
    return sorted(Path(content_dir).glob(f"*/{CONTENT_FILE}"))


def load_content_dir(content_dir):
    """Load every content.json below `content_dir`; return counts per outcome."""
    files = content_files(content_dir)
    if not files:
        raise ContentError(f"no */{CONTENT_FILE} found under {content_dir}")
    counts = Counter()
    for path in files:
        counts.update(load_content_file(path))
    return counts


def load_content_file(path):
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ContentError(f"{path}: cannot read content: {exc}") from exc
    loader = _Loader(path.parent)
    try:
        with transaction.atomic():
            loader.load(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ContentError(f"{path}: malformed content ({exc!r})") from exc
    return loader.counts


class _Loader:
    def __init__(self, base_dir):
        self.base_dir = base_dir
        self.counts = Counter()

    def load(self, data):
        for entry in data.get("districts", []):
            self.district(entry)
        for entry in data.get("districts", []):
            self.district_successors(entry)
        campaign = self.campaign(data["campaign"])
        programmes = {
            entry["slug"]: self.programme(entry, campaign, position)
            for position, entry in enumerate(data.get("programmes", []))
        }
        articles = {}
        for entry in data.get("articles", []):
            articles[entry["file"]] = self.article(entry, campaign, programmes)
        report = data["campaign"].get("report_article")
        if report:
            self.update_fields(campaign, report_article=articles[report])
        # Items, figures and events were bulk-written: index each programme whole.
        for programme in programmes.values():
            index_object(programme)

    def upsert(self, model, lookup, values):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.counts["created"] += 1
            return obj
        if not self.update_fields(obj, **values):
            self.counts["unchanged"] += 1
        return obj

    def update_fields(self, obj, **values):
        """Save `obj` with `values` only if one differs; return whether it did."""
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save()
            self.counts["updated"] += 1
        return bool(changed)

    def set_tags(self, obj, names):
        if sorted(t.name for t in obj.tags.all()) != sorted(names):
            obj.tags.set(names, clear=True)
            self.counts["updated"] += 1

    def replace_children(self, manager, model, rows):
        """Replace an ordered list of child rows, only when it differs."""
        fields = list(rows[0]) if rows else []
        current = [tuple(getattr(child, f) for f in fields) for child in manager.all()]
        wanted = [tuple(row.values()) for row in rows]
        if sorted(current, key=repr) == sorted(wanted, key=repr):
            return
        manager.all().delete()
        model.objects.bulk_create(
            model(**{manager.field.name: manager.instance}, **row) for row in rows
        )
        self.counts["updated"] += 1

    def district(self, entry):
        district = self.upsert(
            District,
            {"slug": entry["slug"]},
            {
                "name": entry["name"],
                "profile": entry.get("profile", ""),
                "display_order": entry.get("display_order", 0),
                "dissolved_on": _date(entry.get("dissolved_on")),
                "change_note": entry.get("change_note", ""),
            },
        )
        # An alias that only writes the name another way (高新区（滨江）) is not
        # kept: the importer matches every writing of the name anyway, and the
        # page would list the district as its own alias.
        wanted = sorted(
            alias for alias in entry.get("aliases", []) if not is_own_name(alias, entry["name"])
        )
        if sorted(district.aliases.values_list("name", flat=True)) != wanted:
            district.aliases.all().delete()
            DistrictAlias.objects.bulk_create(
                DistrictAlias(district=district, name=name) for name in wanted
            )
        self.set_tags(district, entry.get("tags", []))
        index_object(district)

    def district_successors(self, entry):
        district = District.objects.get(slug=entry["slug"])
        wanted = set(District.objects.filter(slug__in=entry.get("successors", [])))
        if set(district.successors.all()) != wanted:
            district.successors.set(wanted)
            self.counts["updated"] += 1

    def campaign(self, entry):
        campaign = self.upsert(
            Campaign,
            {"slug": entry["slug"]},
            {
                "title": entry["title"],
                "year": entry["year"],
                "slogan": entry.get("slogan", ""),
                "summary": entry.get("summary", ""),
                "status": entry.get("status", Status.PUBLISHED),
            },
        )
        self.set_tags(campaign, entry.get("tags", []))
        return campaign

    def programme(self, entry, campaign, position):
        programme = self.upsert(
            Programme,
            {"slug": entry["slug"]},
            {
                "campaign": campaign,
                "district": District.objects.get(slug=entry["district"]),
                "name": entry["name"],
                "headline": entry["headline"],
                "summary": entry.get("summary", ""),
                "position": position,
                "status": entry.get("status", Status.PUBLISHED),
            },
        )
        items = []
        for kind, key in [
            (ProgrammeItem.Kind.ITEM, "items"),
            (ProgrammeItem.Kind.ACTIVITY, "activities"),
            (ProgrammeItem.Kind.SUB_COURSE, "sub_courses"),
        ]:
            for position, item in enumerate(entry.get(key, [])):
                if isinstance(item, str):
                    item = {"title": item}
                items.append(
                    {
                        "kind": kind,
                        "position": position,
                        "title": item["title"],
                        "description": item.get("description", ""),
                    }
                )
        self.replace_children(programme.items, ProgrammeItem, items)
        self.replace_children(
            programme.figures,
            KeyFigure,
            [
                {
                    "position": position,
                    "label": figure["label"],
                    "value": figure["value"],
                    "unit": figure.get("unit", ""),
                    "qualifier": figure.get("qualifier", ""),
                    "source_text": figure.get("source_text", ""),
                }
                for position, figure in enumerate(entry.get("figures", []))
            ],
        )
        self.replace_children(
            programme.events,
            ProgrammeEvent,
            [
                {
                    "position": position,
                    "title": event["title"],
                    "date": _date(event.get("date")),
                    "date_precision": event.get("precision", ProgrammeEvent.Precision.DAY),
                    "date_text": event.get("date_text", ""),
                    "note": event.get("note", ""),
                }
                for position, event in enumerate(entry.get("events", []))
            ],
        )
        self.set_tags(programme, entry.get("tags", []))
        return programme

    def article(self, entry, campaign, programmes):
        path = self.base_dir / entry["file"]
        result = import_file(path, status=entry.get("status", Status.PUBLISHED), campaign=campaign)
        if result.action == FAILED:
            raise ContentError(result.describe())
        self.counts[result.action] += 1
        # A conflict (an editor changed the article) keeps the editor's text.
        article = Article.objects.get(slug=result.slug)
        self.update_fields(article, campaign=campaign)
        wanted = {programmes[slug] for slug in entry.get("programmes", [])}
        if set(article.programmes.all()) != wanted:
            article.programmes.set(wanted)
            self.counts["updated"] += 1
        self.set_tags(article, entry.get("tags", []))
        return article


def _date(value):
    return dt.date.fromisoformat(value) if value else None
