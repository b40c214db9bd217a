"""The read-only JSON API under /api/v1/ (django-ninja): articles, districts,
campaigns, programmes, tags and search, exactly what readers may see now,
with an OpenAPI 3 schema generated from the code (api.schemas)."""
