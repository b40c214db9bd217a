"""The body editor's picture dialog: find a library image, or upload one, and
get what the editor needs to show it (JSON, admin only).

Both views run inside ImageAdmin, so they see exactly the images the admin
list shows the same person (district scoping, the same search) and upload
through the same form and checks as the image's own add page.
"""

from django.contrib.admin.utils import construct_change_message
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from districts.scoping import own_district_ids, sees_all_districts

from .renditions import renditions_for

PAGE_SIZE = 24
PREVIEW = ("w320", "jpeg")


def describe(image, preview):
    """What the editor shows for a picture: a preview and the texts readers see."""
    return {
        "id": image.pk,
        "title": image.title,
        "alt": "" if image.decorative else image.alt_text,
        "caption": image.caption,
        "credit": image.credit_line,
        "preview": preview.url,
        "width": preview.width,
        "height": preview.height,
        "needs_alt": not image.decorative and not image.alt_text,
    }


def _described(images):
    found = renditions_for(images, [PREVIEW[0]], [PREVIEW[1]])
    return [describe(image, found[(image.pk, *PREVIEW)]) for image in images]


def _ids(text):
    return [int(part) for part in text.split(",") if part.strip().isdigit()][:100]


@require_GET
def choose(request, model_admin):
    """?q= searches the library (newest first, PAGE_SIZE at a time, ?page=);
    ?ids=1,2 describes the pictures an opened body already shows."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    queryset = model_admin.get_queryset(request)
    if "ids" in request.GET:
        images = list(queryset.filter(pk__in=_ids(request.GET["ids"])))
        return JsonResponse({"results": _described(images)})
    query = request.GET.get("q", "").strip()[:100]
    if query:
        queryset, _ = model_admin.get_search_results(request, queryset, query)
    page = Paginator(queryset.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return JsonResponse({"results": _described(list(page)), "has_more": page.has_next()})


@require_POST
def upload(request, model_admin):
    """Add one picture to the library from the dialog, with the add page's checks."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    data = request.POST.copy()
    if not data.getlist("districts") and not sees_all_districts(request.user):
        # A district editor's picture belongs to their districts, as on the add page.
        data.setlist("districts", [str(pk) for pk in sorted(own_district_ids(request.user))])
    form_class = model_admin.get_form(request, None, change=False)
    form = form_class(data, request.FILES)
    if not form.is_valid():
        errors = {
            field: [str(message) for message in messages] for field, messages in form.errors.items()
        }
        return JsonResponse({"errors": errors}, status=400)
    image = form.save(commit=False)
    model_admin.save_model(request, image, form, change=False)
    form.save_m2m()
    model_admin.log_addition(request, image, construct_change_message(form, [], True))
    return JsonResponse({"result": _described([image])[0]}, status=201)
