"""Decide what an import does with a parsed file, before anything is written."""

from dataclasses import dataclass

from articles.models import Article

from .fingerprints import article_fingerprint
from .report import CONFLICT, CREATED, UNCHANGED, UPDATED


@dataclass(frozen=True)
class Decision:
    action: str  # CREATED, UPDATED, UNCHANGED or CONFLICT
    article: Article | None = None  # the article the file was imported into before
    reason: str = ""
    message: str = ""  # the reason in Chinese, for the admin


def decide(checksum, existing, force=False):
    """What should happen to a file with this checksum, given the article it
    was imported into before (None if there is none). Writes nothing.

    A byte-identical file is unchanged. An article an editor has changed since
    its import is not overwritten: it is a conflict unless `force` is set."""
    if existing is None:
        return Decision(CREATED)
    if existing.import_checksum == checksum:
        return Decision(UNCHANGED, existing)
    if not force and existing.imported_fingerprint != article_fingerprint(existing):
        reason = f"“{existing.title}” was edited since its import; use --force to overwrite"
        message = (
            f"稿件“{existing.title}”导入后已被编辑修改过；为保留这些修改，这个文件没有导入"
            "（命令行加 --force 可覆盖）"
        )
        return Decision(CONFLICT, existing, reason, message)
    return Decision(UPDATED, existing)
