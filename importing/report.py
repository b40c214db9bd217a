"""What an import run is asked to do and what came of it: the run's options,
one result per file, and the report that counts them."""

from collections import Counter
from dataclasses import asdict, dataclass, field

from core.status import Status

CREATED, UPDATED, UNCHANGED, CONFLICT, FAILED = (
    "created",
    "updated",
    "unchanged",
    "conflict",
    "failed",
)
ACTIONS = (CREATED, UPDATED, UNCHANGED, CONFLICT, FAILED)


@dataclass
class ImportOptions:
    status: str = Status.DRAFT
    campaign: object = None
    tags: tuple = ()
    dry_run: bool = False
    force: bool = False
    strict: bool = False
    suggest_programmes: bool = False


@dataclass
class FileResult:
    path: str
    action: str
    line: int = 0
    # Why a file failed or is a conflict: `reason` in English for the command's
    # output and scripts, `message` the same in Chinese for the admin.
    reason: str = ""
    message: str = ""
    title: str = ""
    slug: str = ""
    url: str = ""
    warnings: list = field(default_factory=list)
    suggested_programmes: list = field(default_factory=list)
    # A Word file's photos: number, line, library image id, whether new,
    # caption and credit (importing.photos.describe).
    photos: list = field(default_factory=list)
    # What the file parsed to (importer.preview_of), for the admin's preview.
    preview: dict | None = None

    def describe(self):
        if self.action == FAILED:
            return f"{self.path}:{self.line}: {self.reason}"
        if self.action == CONFLICT:
            return f"{self.path}: conflict: {self.reason}"
        return f"{self.action}: {self.path} -> {self.title}"

    def as_dict(self):
        data = asdict(self)
        data["warnings"] = [warning_dict(w) for w in self.warnings]
        return data


def warning_dict(warning):
    """A warning as --json and the admin give it: {"code", "message", "line"}.
    Every warning is a parser.ParseWarning; a plain string (older callers)
    becomes one without a code."""
    if isinstance(warning, str):
        return {"code": "note", "message": warning, "line": 0}
    return {"code": warning.code, "message": warning.message, "line": warning.line}


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    results: list | None = None
    stopped_early: bool = False
    rolled_back: bool = False
    photos_added: int = 0
    photos_reused: int = 0

    def add(self, result):
        self.counts[result.action] += 1
        for photo in result.photos if result.action != FAILED else ():
            if photo["new"]:
                self.photos_added += 1
            elif photo["new"] is not None:
                self.photos_reused += 1
        if result.action == FAILED:
            self.failures.append(result)
        elif result.action == CONFLICT:
            self.conflicts.append(result)
        if self.results is not None:
            self.results.append(result)

    def summary(self):
        counts = ", ".join(f"{action} {self.counts[action]}" for action in ACTIONS)
        if self.photos_added or self.photos_reused:
            counts += (
                f"; photos: {self.photos_added} added to the image library, "
                f"{self.photos_reused} already there"
            )
        if self.rolled_back:
            counts += " (stopped at the first error; everything this run wrote was rolled back)"
        return counts

    def as_dict(self):
        return {
            "summary": {action: self.counts[action] for action in ACTIONS},
            "stopped_early": self.stopped_early,
            "rolled_back": self.rolled_back,
            "photos": {"added": self.photos_added, "reused": self.photos_reused},
            "files": [r.as_dict() for r in self.results or []],
        }
