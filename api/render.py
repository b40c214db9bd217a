"""JSON as the API sends it: UTF-8 (Chinese as itself, not \\uXXXX escapes),
and its prose typeset as on the pages (core.typesetting), so an article's
text reads the same in the API as on its page."""

import json

from django.conf import settings
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

from core.typesetting import typeset_json


class TypesetJSONRenderer(BaseRenderer):
    media_type = "application/json"
    charset = "utf-8"

    def render(self, request, data, *, response_status):
        if getattr(settings, "ZH_FULLWIDTH_PUNCTUATION", True):
            data = typeset_json(json.loads(json.dumps(data, cls=NinjaJSONEncoder)))
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
