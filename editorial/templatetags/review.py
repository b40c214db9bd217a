from django import template
from django.contrib.admin.utils import quote
from django.urls import reverse

from ..dashboard import dashboard_for, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def review_dashboard(context):
    return dashboard_for(context["request"])


@register.simple_tag
def unread_notifications(user):
    return unread_count(user)


@register.filter
def admin_change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])


@register.filter
def submission_url(submission, page="review"):
    opts = submission.content_type
    return reverse(f"admin:{opts.app_label}_{opts.model}_{page}", args=[submission.object_id])
