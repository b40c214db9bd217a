"""Word segmentation for indexing and for queries.

rjieba (jieba's Rust port) gives jieba's output about 20x faster (0.26 ms
against 5.1 ms for the 2,600-character seed). Names the default dictionary
splits badly (上城区 -> 上 / 城区) are added as user words: districts and their
aliases, programme names and tags.
"""

import re
import threading
import unicodedata

import rjieba

_WORD = re.compile(r"\w", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 20

_lock = threading.Lock()
_known_words = set()


def add_user_words(words):
    """Teach the segmenter whole names; cheap to call again with known ones."""
    new = {normalize(w) for w in words if w and len(w) > 1} - _known_words
    if not new:
        return
    with _lock:
        for word in sorted(new):
            rjieba.add_word(word, None, None)
        _known_words.update(new)


def load_user_words(sources):
    """Names from the database: `sources` are (model, field) pairs."""
    for model, field in sources:
        add_user_words(model._default_manager.values_list(field, flat=True))


def normalize(text):
    """Width-fold (ＡＩ -> AI, （ -> () and lowercase, as both index and query do."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _words(tokens):
    return [t for t in (token.strip() for token in tokens) if t and _WORD.search(t)]


def index_text(text):
    """`text` as space-separated words for the index, with the shorter words
    inside longer ones (滨江区 also gives 滨江), so partial names are found.
    Punctuation tokens are left in: both databases' tokenizers drop them, and
    filtering them here would cost more than the rest of indexing."""
    return " ".join(rjieba.cut_for_search(normalize(text), True))


def query_words(text):
    """Words of a query: whole words only, at most MAX_QUERY_TERMS."""
    cleaned = _CONTROL.sub(" ", normalize(text))[:MAX_QUERY_CHARS]
    return _words(rjieba.cut(cleaned, True))[:MAX_QUERY_TERMS]
