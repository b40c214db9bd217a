"""What `manage.py check_media` reports, gathered from the apps that store media.

Each app checks its own files (documents its attachments, images its pictures)
and registers the check from its AppConfig.ready(); the command, here in core,
runs every registered check without importing any of those apps. A check is a
function of no arguments returning a list of Sections, one per kind of
finding. Findings of severity MISSING (a stored file is gone) make the command
exit 1; WARNING findings (unused media, images without alt text) are listed
only.
"""

from dataclasses import dataclass, field

MISSING = "missing"
WARNING = "warning"
SEVERITIES = (MISSING, WARNING)

_checks = []


@dataclass
class Section:
    """One kind of finding: `key` names it in the JSON report, `label` heads it
    in the text one; each item is a dict with at least "id" and "title"."""

    key: str
    label: str
    severity: str
    items: list = field(default_factory=list)

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def failed(self):
        return self.severity == MISSING and bool(self.items)

    def as_dict(self):
        return {
            "label": self.label,
            "severity": self.severity,
            "count": len(self.items),
            "items": list(self.items),
        }


@dataclass
class MediaReport:
    sections: list

    @property
    def something_missing(self):
        return any(section.failed for section in self.sections)

    def as_dict(self):
        return {
            "missing": self.something_missing,
            "sections": {section.key: section.as_dict() for section in self.sections},
        }


def register(check):
    """Add `check` (a function returning [Section]) to the report; registering
    the same function again changes nothing."""
    if check not in _checks:
        _checks.append(check)
    return check


def check_media():
    """Run every registered check, in the order the apps registered them."""
    return MediaReport([section for check in _checks for section in check()])
