"""Check texts against the word list and the districts' history.

    hits = proofread([("标题", title), ("正文第1节第1段", paragraph)], on=published_at)
    if blocking(hits): ...

`proofread()` loads the list (four queries at most) on every call. To check
many texts, load it once and reuse it: `reader = Proofreader.load()`, then
`reader.check(texts, on)` per article; `proofreader_for(request)` keeps one
per request.

What is flagged:

- every active `Term` (wrong form, banned or absolute term, outdated name from
  its date on), except inside its right form (原下城区 holds 下城区) or inside
  one of its listed exceptions (国家级高新区 holds 国家级);
- the name of every dissolved district, in texts dated on or after its
  dissolution, as 原<name> (high); its aliases too (low: a short alias may sit
  inside another word). Not inside 原<name>, nor inside the name or alias of a
  district that still exists.

A hit inside a longer hit (江干 inside 江干区) is left out.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import prefetch_related_objects
from django.utils import timezone

from districts.models import District

from .models import Term

HIGH = Term.Severity.HIGH.value
LOW = Term.Severity.LOW.value
# Characters of context shown on each side of a hit.
CONTEXT_CHARS = 15
_BRACKET_SWAPS = (str.maketrans("()", "（）"), str.maketrans("（）", "()"))


@dataclass(frozen=True)
class Hit:
    """One place in one text that the word list flags."""

    label: str  # which text: 标题, 正文第2节第3段 …
    found: str  # the text as written, text[start:end]
    suggestion: str  # what to write instead; may be empty for a banned term
    severity: str  # "high" or "low"
    kind: str  # Term.Kind value
    explanation: str  # in Chinese, for the editor
    start: int
    end: int
    before: str  # up to CONTEXT_CHARS characters before the hit, "…" if cut
    after: str  # the same after it
    term_id: int | None = None  # None for a district's name

    @property
    def context(self):
        return f"{self.before}{self.found}{self.after}"

    @property
    def is_blocking(self):
        return self.severity == HIGH

    @property
    def severity_label(self):
        return Term.Severity(self.severity).label

    @property
    def kind_label(self):
        return Term.Kind(self.kind).label

    def describe(self):
        """One line: 标题：江干区 → 原江干区（高）."""
        change = f"{self.found} → {self.suggestion}" if self.suggestion else self.found
        return f"{self.label}：{change}（{self.severity_label}）"

    def as_dict(self):
        return {**asdict(self), "context": self.context}


@dataclass(frozen=True)
class Rule:
    """What to look for, and what to say when it is found."""

    wrong: str
    suggestion: str
    severity: str
    kind: str
    explanation: str
    exceptions: tuple = ()  # longer phrases holding `wrong` that are fine
    from_date: dt.date | None = None  # flag only texts dated on or after it
    term_id: int | None = None

    def excepted(self, text, start):
        """True if the occurrence of `wrong` at `start` lies inside an exception."""
        for phrase in self.exceptions:
            offset = phrase.find(self.wrong)
            while offset != -1:
                begin = start - offset
                if begin >= 0 and text.startswith(phrase, begin):
                    return True
                offset = phrase.find(self.wrong, offset + 1)
        return False


def _date(value):
    return value.strftime("%Y年") + f"{value.month}月{value.day}日"


def term_rule(term):
    """The rule of a `Term` row."""
    exceptions = term.exception_list
    if term.right and term.wrong in term.right:
        exceptions.append(term.right)
    if term.note:
        explanation = term.note
    elif term.kind == Term.Kind.BANNED:
        explanation = "禁用词或绝对化用语（《广告法》第九条），请删除或改写。"
    elif term.kind == Term.Kind.OUTDATED:
        explanation = (
            f"自{_date(term.outdated_from)}起不再使用“{term.wrong}”，应写作“{term.right}”。"
        )
    else:
        explanation = f"规范写法是“{term.right}”。"
    return Rule(
        wrong=term.wrong,
        suggestion=term.right,
        severity=term.severity,
        kind=term.kind,
        explanation=explanation,
        exceptions=tuple(exceptions),
        from_date=term.outdated_from if term.kind == Term.Kind.OUTDATED else None,
        term_id=term.pk,
    )


def _spellings(name):
    """A name as written with either bracket width: 高新区(滨江), 高新区（滨江）."""
    return list(dict.fromkeys([name, *(name.translate(swap) for swap in _BRACKET_SWAPS)]))


def district_rules(districts):
    """Rules for the names and aliases of dissolved districts. `districts` is
    every district, with `aliases` prefetched (and `successors`, of dissolved ones)."""
    current_names = [
        spelling
        for district in districts
        if district.dissolved_on is None
        for name in [district.name, *(alias.name for alias in district.aliases.all())]
        for spelling in _spellings(name)
    ]
    rules = []
    for district in districts:
        if district.dissolved_on is None:
            continue
        successors = "、".join(successor.name for successor in district.successors.all())
        merged = f"，辖区并入{successors}" if successors else ""
        explanation = (
            f"{district.name}已于{_date(district.dissolved_on)}撤销{merged}；"
            f"此后的稿件提到它应写作“原{district.name}”。"
        )
        names = [(district.name, HIGH, explanation)]
        names += [
            (
                alias.name,
                LOW,
                f"“{alias.name}”是{district.name}的别称，请核实是否指这个城区。{explanation}",
            )
            for alias in district.aliases.all()
        ]
        for name, severity, why in names:
            for spelling in _spellings(name):
                former = f"原{spelling}"
                inside = tuple(other for other in current_names if spelling in other)
                rules.append(
                    Rule(
                        wrong=spelling,
                        suggestion=former,
                        severity=severity,
                        kind=Term.Kind.OUTDATED.value,
                        explanation=why,
                        exceptions=(former, *inside),
                        from_date=district.dissolved_on,
                    )
                )
    return rules


def as_date(on):
    """The date a text is dated: a date, an aware datetime (Beijing time), or None (today)."""
    if on is None:
        return timezone.localdate()
    if isinstance(on, dt.datetime):
        return timezone.localdate(on) if timezone.is_aware(on) else on.date()
    return on


class Proofreader:
    """A loaded word list: check as many texts as needed without another query."""

    def __init__(self, rules):
        self.rules = list(rules)
        self._by_wrong = {}
        for rule in self.rules:
            self._by_wrong.setdefault(rule.wrong, []).append(rule)

    @classmethod
    def load(cls):
        """The active word list and the districts' history, in three queries
        (four when some district has been dissolved)."""
        terms = Term.objects.filter(active=True).order_by("kind", "wrong", "pk")
        districts = list(District.objects.prefetch_related("aliases"))
        dissolved = [district for district in districts if district.dissolved_on]
        if not dissolved:
            return cls(map(term_rule, terms))
        prefetch_related_objects(dissolved, "successors")
        return cls([*map(term_rule, terms), *district_rules(districts)])

    def check(self, texts, on=None):
        """Every hit in `texts`, an iterable of (label, text) pairs, for texts
        dated `on` (see as_date); in the order of the texts, then of position."""
        on = as_date(on)
        hits = []
        for label, text in texts:
            if text:
                hits += self._check_one(label, text, on)
        return hits

    def _check_one(self, label, text, on):
        # One str.find loop per distinct form is faster than one big regex
        # (which CPython tries alternative by alternative at every position),
        # and finds overlapping occurrences too.
        found = []
        for wrong, rules in self._by_wrong.items():
            start = text.find(wrong)
            while start != -1:
                for rule in rules:
                    if rule.from_date is not None and on < rule.from_date:
                        continue
                    if not rule.excepted(text, start):
                        found.append((start, start + len(wrong), rule))
                start = text.find(wrong, start + 1)
        return [_hit(label, text, start, end, rule) for start, end, rule in _outermost(found)]


def _outermost(found):
    """Drop hits inside a longer hit, and a second rule giving the same advice."""
    kept, seen = [], set()
    for start, end, rule in sorted(found, key=lambda f: (f[0], -f[1])):
        if any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in kept):
            continue
        if (start, end, rule.suggestion) in seen:
            continue
        seen.add((start, end, rule.suggestion))
        kept.append((start, end, rule))
    return kept


def _hit(label, text, start, end, rule):
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return Hit(
        label=label,
        found=text[start:end],
        suggestion=rule.suggestion,
        severity=rule.severity,
        kind=rule.kind,
        explanation=rule.explanation,
        start=start,
        end=end,
        before=("…" if start > CONTEXT_CHARS else "") + before,
        after=after + ("…" if end + CONTEXT_CHARS < len(text) else ""),
        term_id=rule.term_id,
    )


def proofread(texts, on=None, proofreader=None):
    """Hits in `texts` ((label, text) pairs) dated `on` (date, datetime or None
    for today). Loads the word list unless a loaded `proofreader` is given."""
    return (proofreader or Proofreader.load()).check(texts, on)


def blocking(hits):
    """The hits that stop submitting and publishing unless a publisher overrides."""
    return [hit for hit in hits if hit.severity == HIGH]


def proofreader_for(request):
    """One loaded word list per request, however often the request checks."""
    reader = getattr(request, "_proofreader", None)
    if reader is None:
        reader = request._proofreader = Proofreader.load()
    return reader
