"""What every answer under /api/ shares, outside the page cache (first in
settings.MIDDLEWARE), so cached answers get it too:

- HEAD, on every operation: answered as GET is (the page cache, ETag and 304,
  the rate limit and these headers included), without the body (RFC 9110).
- CORS: public data, readable by a script on any site (GET only, no cookies).
- The rate limit per client address (api.ratelimit): 429 with Retry-After.
- A NUL in the query string, and any error answered outside the API's views
  (an unknown address, a refused host), as the API's JSON errors.
"""

from django.conf import settings

from .errors import STATUS_ERRORS, error_response
from .ratelimit import retry_after

ALLOW = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOW,
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
        head = request.method == "HEAD"
        if head:
            # The operations are declared for GET (so the schema lists each once);
            # everything inside sees a GET and gives GET's headers, Content-Length too.
            request.method = "GET"
        response = self.answer(request)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        if head:
            request.method = "HEAD"
            if not response.streaming:
                response.content = b""
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
            allowed = response.get("Allow")
            response = error_response(status, code, message)
            if allowed:
                response["Allow"] = ALLOW if allowed == "GET" else allowed
        return response
