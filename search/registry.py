"""The kinds of item the search finds, each described once.

Indexing, the signals that keep the index current, the results page, the JSON
API, the ?type= filter and the admin's search boxes all read this registry
instead of branching on "article" / "programme" / "district".
"""

from dataclasses import dataclass, field

KINDS = {}


@dataclass(frozen=True)
class SearchableKind:
    name: str  # stored in SearchEntry.kind; the ?type= value
    label: str  # 稿件
    model: type
    # Articles are the reporting; pages that summarise them rank lower.
    boost: float
    # obj (and, from bulk writers, what they already hold) -> the entry's values.
    entry: object
    # Everything `entry` reads, loaded without a query per item.
    indexing_queryset: object
    # What a result shows (title, date, districts), loaded the same way.
    results_queryset: object
    # The districts a result names.
    district_names: object
    # Rows that belong to an item: saving or deleting one re-indexes the item.
    # (model, attribute naming the item)
    parts: tuple = ()
    # Many-to-many links whose changes re-index the item (from either side:
    # document.articles.add(article) re-indexes the article too).
    relations: tuple = ()
    # Rows of other models that the entry reads through a relation: saving or
    # deleting one re-indexes the items linked to it.
    # (model, lookup from the item to that model), e.g. (Document, "attachments")
    sources: tuple = ()
    # Names the word segmenter must keep whole (上城区, not 上 / 城区).
    user_words: tuple = ()
    # The admin's search box for this model uses the index.
    admin_search: bool = True
    result_template: str = field(default="")

    def __post_init__(self):
        if not self.result_template:
            object.__setattr__(self, "result_template", f"search/results/{self.name}.html")


def register(kind):
    KINDS[kind.name] = kind
    return kind


def kind_of(obj_or_model):
    """The kind an object or model is indexed as, or None."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for kind in KINDS.values():
        if issubclass(model, kind.model):
            return kind
    return None


def choices():
    return [(kind.name, kind.label) for kind in KINDS.values()]
