"""The admin for articles, campaigns and programmes, and for the tags on them."""

from . import articles, campaigns, tags  # noqa: F401  (each module registers its admins)
