"""The human docs page, /api/v1/docs/: Swagger UI from this site's own static
files (shipped in django-ninja, served by whitenoise), nothing from another
host, so it works on an intranet."""

from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    template = "api/docs.html"

    def __init__(self):
        # validatorUrl: Swagger UI would otherwise send the schema to an outside
        # validator and show its badge.
        super().__init__(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0})
