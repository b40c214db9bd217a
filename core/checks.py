"""System checks for what the settings of this layer must give in production.

Chinese government sites are inspected for the identity their footer shows
(core.site_identity): a site without it fails the inspection, so `manage.py
check` says what is missing before visitors (or inspectors) see the gap.
Development (DEBUG on) is left alone. Each message names the setting and the
footer item in Chinese; ids are stable so an operator can silence one in
SILENCED_SYSTEM_CHECKS (a site that is not a party or government organ has no
党政机关网站 record, for one)."""

from django.conf import settings
from django.core import checks

from .site_identity import site_identity

# (id, setting, what the footer would show, what is lost without it)
REQUIRED = (
    ("core.W101", "SITE_ORGANIZER", "主办单位", "the footer does not name the organizing body"),
    ("core.W102", "SITE_UNDERTAKER", "承办单位", "the footer does not name the body that runs the site"),
    ("core.W104", "SITE_ID_CODE", "网站标识码", "the footer and the SiteIDCode meta tag are empty and "
     "there is no 我为政府网站找错 link"),
    ("core.W105", "SITE_ICP_NUMBER", "ICP备案号", "the footer shows no ICP record"),
    ("core.W106", "SITE_PSB_NUMBER", "公安机关备案号", "the footer shows no public-security record"),
    ("core.W107", "SITE_CONAC_ID", "党政机关网站标识", "the footer has no 党政机关网站 badge"),
)  # fmt: skip
CONTACT_SETTINGS = ("SITE_CONTACT_ADDRESS", "SITE_CONTACT_PHONE", "SITE_CONTACT_EMAIL")
HINT = "Set it in the environment (README, Configuration) / 请在环境变量中设置{label}。"


@checks.register("site_identity")
def check_site_identity(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    identity = site_identity()
    problems = [
        checks.Warning(
            f"{setting} is not set: {label} missing ({loss}). / 未设置{label}。",
            hint=HINT.format(label=label),
            id=check_id,
        )
        for check_id, setting, label, loss in REQUIRED
        if not getattr(settings, setting, "").strip()
    ]
    if not identity.has_contact:
        problems.append(
            checks.Warning(
                f"None of {', '.join(CONTACT_SETTINGS)} is set: 联系方式 missing "
                "(the footer gives no way to reach the site). / 未设置联系方式。",
                hint=HINT.format(label="联系地址、电话或电子邮箱"),
                id="core.W103",
            )
        )
    if identity.psb_number and not identity.psb_record_code:
        problems.append(
            checks.Warning(
                f"SITE_PSB_NUMBER {identity.psb_number!r} holds no record number: the 公安机关备案号 "
                "cannot link to its record. / 公安机关备案号中没有备案编号。",
                hint="Write it as issued, e.g. 浙公网安备 33010202000001号 / 请按备案证书填写。",
                id="core.W108",
            )
        )
    problems.sort(key=lambda problem: problem.id)
    return problems
