"""What every answer under /api/ shares, outside the page cache (first in
settings.MIDDLEWARE), so cached answers get it too:

- CORS: public data, readable by a script on any site (GET only, no cookies).
- The rate limit per client address (api.ratelimit): 429 with Retry-After.
- A NUL in the query string, and any error answered outside the API's views
  (an unknown address, a refused host), as the API's JSON errors.
"""

from django.conf import settings

from .errors import STATUS_ERRORS, error_response
from .ratelimit import retry_after

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
    "Access-Control-Max-Age": "86400",
}


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = settings.API_PATH_PREFIX

    def __call__(self, request):
        if not request.path_info.startswith(self.prefix):
            return self.get_response(request)
        response = self.answer(request)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    def answer(self, request):
        if request.method == "OPTIONS":
            response = error_response(204, "", "")
            response.content = b""
            del response["Content-Type"]
            return response
        wait = retry_after(request)
        if wait is not None:
            return error_response(
                429,
                "rate_limited",
                f"请求过于频繁，请在{wait}秒后再试。",
                headers={"Retry-After": str(wait)},
            )
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return error_response(400, "invalid_parameter", "网址中含有无效字符。")
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            code, message = STATUS_ERRORS.get(response.status_code, ("error", "请求失败。"))
            status = response.status_code
            allow = response.get("Allow")
            response = error_response(status, code, message)
            if allow:
                response["Allow"] = allow
        return response
