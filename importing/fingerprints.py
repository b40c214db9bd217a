"""How an import recognises an article again and tells whether an editor
changed it since.

An article is found again by a stable key (source + title + 发布时间), so a file
imported twice gives one article. A fingerprint of what the import wrote is
kept on the article: when the article's current fingerprint differs, an editor
changed it.
"""

import hashlib


def article_import_key(parsed):
    when = parsed.published_at.isoformat() if parsed.published_at else ""
    identity = "\n".join([parsed.source, parsed.title, when])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def may_be_the_same(parsed, article):
    """Whether `parsed` may be `article` although their keys differ: the same
    title, and a source and a 发布时间 that agree wherever both are known. A
    part one side lacks is unknown, not empty, so such a pair is neither the
    same article nor surely another one."""
    if parsed.title != article.title:
        return False
    if parsed.source and article.source and parsed.source != article.source:
        return False
    if parsed.published_at and article.published_at:
        return parsed.published_at == article.published_at
    return True


def content_fingerprint(
    title,
    published_at,
    time_known,
    source,
    slogan,
    dateline,
    sections,
    bylines,
    headline_parts=("", ""),
):
    """A hash of what an import writes, to tell later whether an editor changed it."""
    when = published_at.timestamp() if published_at else ""
    parts = [title, str(when), str(time_known), source, slogan, dateline]
    parts += ["\x1f".join(map(str, section)) for section in sections]
    parts += ["\x1f".join(byline) for byline in bylines]
    # 引题 and 副题 came later: left out when empty, so the fingerprints of
    # articles imported before them still match.
    if any(headline_parts):
        parts += ["\x1d".join(headline_parts)]
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


def imported_fingerprint(parsed, sections):
    """The fingerprint of a parsed file, given its section rows as they will be saved."""
    return content_fingerprint(
        parsed.title,
        parsed.published_at,
        parsed.published_time_known,
        parsed.source,
        parsed.closing_slogan,
        parsed.dateline,
        [_section_values(s) for s in sections],
        [_byline_values(b) for b in parsed.bylines],
        (getattr(parsed, "kicker", ""), getattr(parsed, "subtitle", "")),
    )


def article_fingerprint(article):
    """The fingerprint of an article as it is in the database now."""
    return content_fingerprint(
        article.title,
        article.published_at,
        article.published_time_known,
        article.source,
        article.closing_slogan,
        article.dateline,
        [_section_values(s) for s in article.sections.order_by("position")],
        [_byline_values(b) for b in article.bylines.order_by("position")],
        (article.kicker, article.subtitle),
    )


def _section_values(section):
    return (section.district_id or "", section.district_label, section.heading, section.body)


def _byline_values(byline):
    return (byline.kind, byline.role, byline.name)
