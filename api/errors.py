"""Errors as the API answers them: JSON `{"code", "message"}`, the code stable
for programs, the message in Chinese for people."""

from django.http import JsonResponse

from core.query_forms import PAGE_MAX, FilteredQuery
from search.forms import SearchQuery

LIMIT_MAX = 100

# One message per parameter, the same words the pages use where they share it.
_FILTERS = FilteredQuery.base_fields
_SEARCH = SearchQuery.base_fields
PARAMETER_MESSAGES = {
    "district": _FILTERS["district"].error_messages["invalid"],
    "tag": _FILTERS["tag"].error_messages["invalid"],
    "year": _FILTERS["year"].error_messages["invalid"],
    "page": _FILTERS["page"].error_messages["invalid"],
    "q": _SEARCH["q"].error_messages["invalid"],
    "type": _SEARCH["type"].error_messages["invalid"],
    "limit": f"每页条数limit应为1至{LIMIT_MAX}之间的整数。",
    "programme": "举措参数应为举措的网址名，如wu-xue-wu-zheng。",
    "campaign": "专题参数应为专题的网址名，如2021-dang-shi-xue-xi-jiao-yu。",
    "updated_since": "updated_since应为带时区的ISO 8601时间，如2021-03-11T07:23:49+08:00。",
    "ordering": "排序参数ordering只能是-published_at（从新到旧）或published_at（从旧到新）。",
    "slug": "网址名只能含英文字母、数字、连字符和下划线。",
}
assert PAGE_MAX == 10_000  # the schema's bound on ?page= (api.views) says the same


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(what):
    return ApiError(404, "not_found", f"没有这个{what}，或者它尚未发布。")


PAGE_PAST_THE_END = ApiError(404, "page_not_found", "没有这一页。")


def error_response(status, code, message, headers=None):
    response = JsonResponse(
        {"code": code, "message": message},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def parameter_problem(errors):
    """(code, message) for pydantic's errors about the request's parameters."""
    names = []
    for error in errors:
        location = error.get("loc") or ()
        name = str(location[-1]) if location else ""
        if name not in names:
            names.append(name)
    messages = [PARAMETER_MESSAGES.get(name, f"参数{name}的值无效。") for name in names]
    return "invalid_parameter", " ".join(messages) or "请求参数无效。"


# For answers made outside the API's views (an unknown address, a host
# Django refuses): their status in the API's words.
STATUS_ERRORS = {
    400: ("bad_request", "请求无效。"),
    403: ("forbidden", "无权访问。"),
    404: ("not_found", "没有这个地址。"),
    405: ("method_not_allowed", "此接口只读，只接受 GET 和 HEAD 请求。"),
}
