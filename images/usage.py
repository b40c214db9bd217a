"""Where an image is used: the places that would lose it if it were deleted.

Content apps sit above this one (articles embed images, not the other way
round), so they report their uses by appending a finder to USAGE_FINDERS from
their AppConfig.ready(): a function of an Image returning the objects that use
it (shown by their str()). None is wired yet.
"""

USAGE_FINDERS = []


def usage(image):
    """The objects that use `image`; an image with any cannot be deleted."""
    return [place for finder in USAGE_FINDERS for place in finder(image)]
