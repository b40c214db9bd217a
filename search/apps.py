from django.apps import AppConfig

from .segment import query_words

# Particles that only join words (上城区的党员): an image captioned without them
# is still what the editor is looking for.
_PARTICLES = frozenset("的了和与及或")


def image_query_words(text):
    """The image library's query words: the site search's segmentation
    (normalised, punctuation dropped), less particles."""
    return [word for word in query_words(text) if word not in _PARTICLES]


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "搜索"

    def ready(self):
        from images import search_hooks

        # The receivers need the content models, which exist only once apps are loaded.
        from . import signals

        signals.connect()
        # The image library sits below this app, so it cannot import the
        # segmenter itself; its admin search asks this hook instead.
        if image_query_words not in search_hooks.QUERY_SPLITTERS:
            search_hooks.QUERY_SPLITTERS.append(image_query_words)
