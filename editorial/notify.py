"""Telling people about submissions: a notice in the admin and an email.

Emails go out through Django's email backend (the console in development)
once the transaction that caused them commits, so an action that fails sends
nothing; a mail server that is down costs a log line, not the action.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from .models import Notification

logger = logging.getLogger(__name__)


def publishers_of(permission, exclude=None):
    """Active staff who hold `permission` through their groups or themselves;
    superusers only when nobody else does, so they are not told everything."""
    users = get_user_model()._default_manager
    found = users.with_perm(
        permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    ).filter(is_staff=True)
    if not found.exists():
        found = users.filter(is_superuser=True, is_active=True, is_staff=True)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return list(found)


def notify(recipients, *, event, message, actor=None, submission=None, url="", request=None):
    recipients = [user for user in recipients if user is not None]
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            actor=actor,
            event=event,
            submission=submission,
            message=message[:500],
            url=url,
        )
        for user in recipients
    )
    addresses = [user.email for user in recipients if user.email]
    if addresses:
        link = _absolute(url, request)
        transaction.on_commit(lambda: _send(message, link, addresses))


def _absolute(url, request):
    if not url:
        return ""
    if settings.SITE_URL:
        return settings.SITE_URL + url
    return request.build_absolute_uri(url) if request is not None else url


def _send(message, link, addresses):
    body = f"{message}\n\n{link}\n" if link else f"{message}\n"
    subject = f"[{settings.SITE_NAME}] {message}"[:120]
    for address in addresses:
        try:
            send_mail(subject, body, None, [address])
        except Exception:
            # Whatever the backend raises (SMTP, sockets): the notice is in the admin.
            logger.warning("could not email %s about: %s", address, message, exc_info=True)
