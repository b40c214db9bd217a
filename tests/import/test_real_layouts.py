"""Per-field accuracy of the parser on real page layouts (issue 14).

Every tests/import/real_layouts/NN_name.txt is a page from a public Chinese
news or government site, saved as a reader's select-all copy would give it
(body paraphrased, chrome and metadata kept); NN_name.json beside it holds the
expected fields. The test parses each file with importing.parser.parse_article
(no district index, no database), compares field by field, prints a per-field
accuracy table and each file's wrong fields, and asserts overall >= 95%.

Files numbered HOLDOUT_FROM and up are the hold-out set: their expected fields
were written from the pages before the parser was run on them, after the
parser had been tuned on 01-31. Their accuracy is printed as a group of its
own, since it is the honest measure of how the parser does on unseen pages.
"""

import json
import re
from pathlib import Path

from importing.parser import ArticleFormatError, decode_article_bytes, parse_article

CORPUS = Path(__file__).parent / "real_layouts"
FIELDS = (
    "kicker",
    "title",
    "subtitle",
    "published_at",
    "source",
    "authors",
    "editors",
    "photographers",
    "headings",
    "paragraphs",
)
TARGET = 95.0
HOLDOUT_FROM = 32
AUTHOR_KINDS = {"author", "correspondent", "writer", "reporter"}
EDITOR_KINDS = {"editor", "responsible_editor"}
PHOTOGRAPHER_KINDS = {"photographer"}


def corpus_files():
    return sorted(CORPUS.glob("*.txt"))


def is_holdout(path):
    return int(path.name[:2]) >= HOLDOUT_FROM


def _unique(names):
    seen, out = set(), []
    for name in names:
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


def _names(article, kinds, attribute):
    """Names of bylines of `kinds`, or the parser's own list attribute if it has one."""
    own = getattr(article, attribute, None)
    if own is not None and not callable(own):
        return _unique(getattr(n, "name", n) for n in own)
    return _unique(b.name for b in getattr(article, "bylines", []) if b.kind in kinds)


def _published(article):
    value = getattr(article, "published_at", None)
    if value is None:
        return None
    if getattr(article, "published_time_known", True):
        return value.replace(tzinfo=None).isoformat(timespec="seconds")
    return value.date().isoformat()


def actual_fields(path):
    """The parser's fields for one file, or None when it refuses the file."""
    text, _ = decode_article_bytes(path.read_bytes())
    try:
        article = parse_article(text)
    except ArticleFormatError:
        return None
    return {
        "kicker": getattr(article, "kicker", "") or "",
        "title": article.title,
        "subtitle": getattr(article, "subtitle", "") or "",
        "published_at": _published(article),
        "source": article.source or "",
        "authors": _names(article, AUTHOR_KINDS, "authors"),
        "editors": _names(article, EDITOR_KINDS, "editors"),
        "photographers": _names(article, PHOTOGRAPHER_KINDS, "photographers"),
        "headings": [s.heading for s in article.sections if s.heading],
        "paragraphs": list(article.paragraphs),
    }


def _normal(field, value):
    if field in ("authors", "editors", "photographers"):
        return _unique(value or [])
    if field in ("headings", "paragraphs"):
        return list(value or [])
    return value if value is not None or field == "published_at" else ""


def score_corpus(paths=None):
    """(per-field [right, total], {file: [wrong fields]}) over `paths` (all files by default)."""
    per_field = {f: [0, 0] for f in FIELDS}
    wrong = {}
    for path in corpus_files() if paths is None else paths:
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["expected"]
        actual = actual_fields(path)
        for field in FIELDS:
            want = _normal(field, expected.get(field))
            got = None if actual is None else _normal(field, actual[field])
            right = actual is not None and got == want
            per_field[field][1] += 1
            if right:
                per_field[field][0] += 1
            else:
                wrong.setdefault(path.name, []).append(field if actual else f"{field}(refused)")
    return per_field, wrong


def report(per_field, wrong, heading=None):
    lines = [
        "",
        heading or f"Real layouts: {len(corpus_files())} files",
        f"{'field':<14}{'right':>7}{'total':>7}{'%':>8}",
    ]
    right = total = 0
    for field in FIELDS:
        r, t = per_field[field]
        right, total = right + r, total + t
        lines.append(f"{field:<14}{r:>7}{t:>7}{100 * r / t:>7.1f}%")
    overall = 100 * right / total
    lines.append(f"{'OVERALL':<14}{right:>7}{total:>7}{overall:>7.1f}%")
    lines.append("Wrong fields by file:")
    lines += [f"  {name}: {', '.join(fields)}" for name, fields in sorted(wrong.items())]
    return overall, "\n".join(lines)


def test_real_layout_field_accuracy():
    per_field, wrong = score_corpus()
    overall, text = report(per_field, wrong)
    groups = (
        ("tuned on (01-31)", [p for p in corpus_files() if not is_holdout(p)]),
        (f"hold-out ({HOLDOUT_FROM}+)", [p for p in corpus_files() if is_holdout(p)]),
    )
    for name, paths in groups:
        if paths:
            _, group_text = report(
                *score_corpus(paths), heading=f"Real layouts, {name}: {len(paths)} files"
            )
            text += "\n" + group_text
    print(text)
    assert overall >= TARGET, f"overall field accuracy {overall:.1f}% < {TARGET}%{text}"


def test_corpus_is_complete_and_documented():
    txts = corpus_files()
    assert len(txts) >= 30
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\|\s*`?(\d\d_[^|`\s]+\.txt)`?\s*\|", readme, re.M))
    for path in txts:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert data["url"].startswith("http"), path.name
        assert set(data["expected"]) == set(FIELDS), path.name
        assert path.name in rows, f"{path.name} has no README row"
    names = {p.name for p in txts}
    assert rows <= names, f"README rows without files: {sorted(rows - names)}"
    assert not [p.name for p in CORPUS.glob("*.json") if p.with_suffix(".txt") not in txts]
