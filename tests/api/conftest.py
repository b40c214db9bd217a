"""Every API answer in these tests is checked against the generated OpenAPI
schema with schemathesis's own validation (the tool the contract test uses)."""

import re

import pytest
import requests
import schemathesis
from schemathesis.core.transport import Response

from api.views import api as ninja_api


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Off but where a test turns it on (with an address of its own, so that
    counts another run left in a shared Redis cannot reach it)."""
    settings.API_RATE_LIMIT_PER_MINUTE = 0


@pytest.fixture(scope="session")
def openapi():
    return ninja_api.get_openapi_schema()


@pytest.fixture(scope="session")
def _operations(openapi):
    schema = schemathesis.openapi.from_dict(dict(openapi))
    found = []
    for path in openapi["paths"]:
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        documented = set(openapi["paths"][path]["get"]["responses"])
        found.append((pattern, (schema[path]["GET"], documented)))
    return found


def validate(operations, response, path):
    """Fail unless `response` to GET `path` is what the schema documents."""
    matching = [operation for pattern, operation in operations if pattern.match(path)]
    assert matching, f"{path} is not in the schema"
    operation, documented = matching[0]
    assert str(response.status_code) in documented, (path, response.status_code)
    request = requests.Request("GET", f"http://testserver{path}").prepare()
    wrapped = Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=response.content,
        request=request,
        elapsed=0.0,
        verify=False,
    )
    operation.validate_response(wrapped)


class ApiClient:
    def __init__(self, client, operations):
        self.client = client
        self.operations = operations

    def get(self, url, **extra):
        response = self.client.get(url, **extra)
        path = url.split("?")[0]
        if (
            response.status_code not in (301, 304)
            and path.startswith("/api/v1/")
            and (not path.endswith(("openapi.json", "/docs/")))
        ):
            validate(self.operations, response, path)
        return response

    def json(self, url, status=200, **extra):
        response = self.get(url, **extra)
        assert response.status_code == status, response.content.decode()
        return response.json()


@pytest.fixture
def api(client, _operations):
    return ApiClient(client, _operations)
