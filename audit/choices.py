"""What an audit entry records: the kinds of action and their outcomes."""

from django.db import models


class Action(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "登录锁定"
    UNLOCK = "unlock", "解除锁定"
    LOGOUT = "logout", "退出登录"
    OTP_ENROLLED = "otp_enrolled", "启用两步验证"
    OTP_REMOVED = "otp_removed", "停用两步验证"
    OTP_FAILED = "otp_failed", "两步验证失败"
    USER_CHANGED = "user_changed", "用户变更"
    GROUP_CHANGED = "group_changed", "用户组变更"
    DISTRICT_EDITORS = "district_editors", "城区编辑变更"
    SUBMIT = "submit", "提交审核"
    RETURN = "return", "退回修改"
    PUBLISH = "publish", "发布"
    SCHEDULE = "schedule", "定时发布"
    UNPUBLISH = "unpublish", "撤下"
    ARCHIVE = "archive", "归档"
    RESTORE = "restore", "恢复版本"
    RECOVER = "recover", "恢复已删除"
    DELETE = "delete", "删除"
    PUBLICATION_TIME = "publication_time", "修改首次发布时间"
    PROOFREAD_OVERRIDE = "proofread_override", "校对放行"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"
