"""Where an image is used: the places that would lose it if it were deleted.

Content apps sit above this one (articles show images, not the other way
round), so they report their uses by appending a finder to USAGE_FINDERS from
their AppConfig.ready(): a function of an Image returning (description, admin
URL) pairs, such as ("稿件《…》的正文", "/admin/articles/article/3/change/").
"""

USAGE_FINDERS = []


def usage(image):
    """[(description, url)] of the places that show `image`; an image with any
    cannot be deleted."""
    return [place for finder in USAGE_FINDERS for place in finder(image)]
