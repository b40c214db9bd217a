"""Where a document is used, for the admin (a used document may not be
deleted) and `check_media` (unused documents).

The apps that link documents (articles, pages) sit above this one and may not
be imported here, so they register a finder instead: a function taking a
document and returning a list of (description, url) pairs. None is
registered yet, so every document counts as unused.
"""

_finders = []


def register_usage_finder(finder):
    _finders.append(finder)
    return finder


def usage(document):
    """[(description, url)] of everything that links `document`."""
    return [use for finder in _finders for use in finder(document)]
