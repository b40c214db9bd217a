"""Sign-in events and account changes, recorded as they happen."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .client_ip import client_ip
from .log import Action, Outcome, describe_m2m, record

User = get_user_model()


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(Action.LOGIN, user, user=user, ip_address=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    record(
        Action.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        username=str(credentials.get("username", ""))[:150],
        ip_address=_ip(request),
    )


@receiver(user_locked_out)
def on_lockout(sender, request, username, ip_address, **kwargs):
    record(
        Action.LOCKOUT,
        outcome=Outcome.DENIED,
        username=str(username or "")[:150],
        ip_address=ip_address,
        detail="连续登录失败次数过多，账号或地址已被暂时锁定。",
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, user, user=user, ip_address=_ip(request))


@receiver(post_save, sender=User)
def on_user_saved(sender, instance, created, update_fields=None, **kwargs):
    # Sign-in itself saves last_login; that is not an account change.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    flags = (
        f"staff={instance.is_staff} superuser={instance.is_superuser} active={instance.is_active}"
    )
    record(Action.USER_CHANGED, instance, detail=("新建用户 " if created else "修改用户 ") + flags)


@receiver(post_delete, sender=User)
def on_user_deleted(sender, instance, **kwargs):
    record(Action.USER_CHANGED, instance, detail="删除用户")


@receiver(post_save, sender=Group)
def on_group_saved(sender, instance, created, **kwargs):
    record(Action.GROUP_CHANGED, instance, detail="新建用户组" if created else "修改用户组")


@receiver(post_delete, sender=Group)
def on_group_deleted(sender, instance, **kwargs):
    record(Action.GROUP_CHANGED, instance, detail="删除用户组")


@receiver(m2m_changed, sender=User.groups.through)
def on_user_groups(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # group.user_set changed
        record(Action.GROUP_CHANGED, instance, detail="成员" + describe_m2m(action, model, pk_set))
    else:
        record(Action.USER_CHANGED, instance, detail="用户组" + describe_m2m(action, model, pk_set))


@receiver(m2m_changed, sender=User.user_permissions.through)
def on_user_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        record(Action.USER_CHANGED, instance, detail="权限" + describe_m2m(action, model, pk_set))


@receiver(m2m_changed, sender=Group.permissions.through)
def on_group_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        record(Action.GROUP_CHANGED, instance, detail="权限" + describe_m2m(action, model, pk_set))
