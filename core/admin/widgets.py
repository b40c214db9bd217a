from django.urls import reverse_lazy
from taggit.forms import TagWidget


class TagAutocompleteWidget(TagWidget):
    """taggit's text input, with suggestions of existing tags as one types.

    A small script (static/articles/tag-autocomplete.js) asks the admin for
    tags matching the word being typed and offers them through a <datalist>;
    without JavaScript it is the plain comma-separated input.
    """

    class Media:
        js = ["articles/tag-autocomplete.js"]

    def __init__(self, attrs=None):
        attrs = {
            "class": "vTextField tag-autocomplete",
            "autocomplete": "off",
            "data-suggest-url": reverse_lazy("admin:articles_tag_suggestions"),
            "placeholder": "多个标签用逗号、顿号分隔，如：党史学习教育，数字化改革",
            **(attrs or {}),
        }
        super().__init__(attrs)
