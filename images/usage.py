"""Where an image is used: the places that would lose it if it were deleted.

Content apps sit above this one (articles show images, not the other way
round), so they report their uses by appending a finder to USAGE_FINDERS from
their AppConfig.ready(): a function of an Image returning (description, admin
URL) pairs, such as ("稿件《…》的正文", "/admin/articles/article/3/change/").

For the whole library at once (`check_media`'s unused images), the same apps
append to USED_IMAGE_FINDERS a function of no arguments returning the ids of
every image they use, in a query or two rather than some per image. An app
that appends to USAGE_FINDERS appends the bulk form of the same uses here.
"""

USAGE_FINDERS = []
USED_IMAGE_FINDERS = []


def usage(image):
    """[(description, url)] of the places that show `image`; an image with any
    cannot be deleted."""
    return [place for finder in USAGE_FINDERS for place in finder(image)]


def used_image_ids():
    """The ids of every image used anywhere, or None while no app has
    registered a bulk finder (then ask usage() of each image)."""
    if not USED_IMAGE_FINDERS:
        return None
    return {image_id for finder in USED_IMAGE_FINDERS for image_id in finder()}
