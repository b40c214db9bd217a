"""Parse what a reader types: words (all must match) and "quoted phrases"."""

import re
from dataclasses import dataclass, field

from .segment import MAX_QUERY_CHARS, normalize, query_words

_CHUNKS = re.compile(r"\w+")

_PHRASE = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")


@dataclass
class ParsedQuery:
    text: str
    words: list = field(default_factory=list)  # each must appear
    phrases: list = field(default_factory=list)  # lists of words that must be adjacent

    @property
    def empty(self):
        return not self.words and not self.phrases

    @property
    def highlight_terms(self):
        """What to mark in results: the words, whole phrases, and each chunk as
        typed (院士讲堂 is marked whole, not as 院士 + 讲堂)."""
        terms = set(self.words)
        terms.update("".join(phrase) for phrase in self.phrases)
        terms.update(chunk for chunk in _CHUNKS.findall(normalize(self.text)) if len(chunk) > 1)
        return sorted(terms, key=len, reverse=True)


def parse_query(text):
    text = (text or "")[: MAX_QUERY_CHARS * 2]
    phrases = []
    for match in _PHRASE.finditer(text):
        words = query_words(match.group(1))
        if len(words) > 1 or words:
            phrases.append(words)
    rest = _PHRASE.sub(" ", text)
    words = [w for w in query_words(rest)]
    # A one-word phrase is just a word.
    for phrase in [p for p in phrases if len(p) == 1]:
        phrases.remove(phrase)
        words.append(phrase[0])
    return ParsedQuery(text=text.strip(), words=list(dict.fromkeys(words)), phrases=phrases)
