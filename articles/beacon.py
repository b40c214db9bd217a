"""The beacon an article page sends once it is open (static/js/visits.js):
count the visit (articles.visits) and answer the count to show.

It accepts what it must and nothing else: an empty POST from this site's own
pages. No session, no cookie, no form: it is exempt from CSRF because it takes
no input and changes nothing but a count, and a request another site makes a
browser send (Sec-Fetch-Site or Origin say so) is refused.

A POST to it is answered by articles.middleware.VisitBeaconMiddleware before
the session, authentication and the rest of the stack run; the view below
answers whatever that middleware lets through (a GET, or a request made while
the middleware is not installed), with the same checks."""

from urllib.parse import urlsplit

from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import visits

MAX_BODY = 64  # bytes; browsers send none, but some add a little


def _answer(data, status=200):
    response = JsonResponse(data, status=status)
    patch_cache_control(response, no_store=True)
    return response


REFUSALS = {
    400: "请求无效。",
    403: "只接受本站页面的请求。",
    404: "稿件不存在。",
}


def refusal(status):
    return _answer({"error": REFUSALS[status]}, status=status)


def _from_another_site(request):
    # Browsers that send Sec-Fetch-Site say it themselves. Otherwise the Origin's
    # host name must be ours; scheme and port are not compared, because a proxy
    # in front may hand on a Host without its port (nginx's $host) or speak
    # plain HTTP to us, and a same-origin beacon would then look foreign.
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    theirs = urlsplit(origin).hostname
    ours = urlsplit(f"//{request.get_host()}").hostname
    return theirs is None or theirs != ours


def answer(request, pk):
    """Check a beacon for article `pk`, count it, and say what to show."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        return refusal(400)
    if _from_another_site(request):
        return refusal(403)
    count = visits.record(request, pk)
    if count is None:
        return refusal(404)
    return _answer({"count": count})


@csrf_exempt
@require_POST
def visit_beacon(request, pk):
    return answer(request, pk)
