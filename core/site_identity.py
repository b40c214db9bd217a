"""The site's identity as Chinese government sites show it in the footer
(主办单位, 承办单位, 联系方式, 网站标识码, ICP备案号, 公安机关备案号, the
党政机关网站 badge, 我为政府网站找错), read from the settings, and the outside
records each one links to.

The link targets are the public registries' own addresses: the MIIT's ICP
record site, the public-security record search (which takes the record's
number), the CONAC registry of party and government websites (which takes the
site's record id) and the national government-website error-report platform
(which takes the 网站标识码 and the page being reported)."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

ICP_RECORD_SITE = "https://beian.miit.gov.cn/"
PSB_RECORD_SEARCH = "https://beian.mps.gov.cn/#/query/webSearch"
CONAC_RECORD = "https://bszs.conac.cn/sitename?method=show&id={id}"
ERROR_REPORT = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={code}"

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class SiteIdentity:
    organizer: str = ""  # 主办单位
    undertaker: str = ""  # 承办单位
    address: str = ""
    phone: str = ""
    email: str = ""
    id_code: str = ""  # 网站标识码
    icp_number: str = ""  # ICP备案号, as issued: 浙ICP备12345678号-1
    psb_number: str = ""  # 公安机关备案号, as issued: 浙公网安备 33010202000001号
    conac_id: str = ""  # the 党政机关网站 record id

    @property
    def has_contact(self):
        return bool(self.address or self.phone or self.email)

    @property
    def phone_uri(self):
        """tel: link for the phone number (digits, + and - only)."""
        return "tel:" + re.sub(r"[^\d+\-]", "", self.phone)

    @property
    def icp_url(self):
        return ICP_RECORD_SITE

    @property
    def psb_record_code(self):
        """The record's number (the longest run of digits), which the search takes."""
        runs = _DIGITS.findall(self.psb_number)
        return max(runs, key=len) if runs else ""

    @property
    def psb_url(self):
        code = self.psb_record_code
        return f"{PSB_RECORD_SEARCH}?code={code}" if code else PSB_RECORD_SEARCH

    @property
    def conac_url(self):
        return CONAC_RECORD.format(id=quote(self.conac_id, safe="")) if self.conac_id else ""

    def error_report_url(self, page_url=""):
        """我为政府网站找错 for this site, about `page_url` when given."""
        if not self.id_code:
            return ""
        url = ERROR_REPORT.format(code=quote(self.id_code, safe=""))
        return f"{url}&url={quote(page_url, safe='')}" if page_url else url


def site_identity():
    return SiteIdentity(
        organizer=settings.SITE_ORGANIZER,
        undertaker=settings.SITE_UNDERTAKER,
        address=settings.SITE_CONTACT_ADDRESS,
        phone=settings.SITE_CONTACT_PHONE,
        email=settings.SITE_CONTACT_EMAIL,
        id_code=settings.SITE_ID_CODE,
        icp_number=settings.SITE_ICP_NUMBER,
        psb_number=settings.SITE_PSB_NUMBER,
        conac_id=settings.SITE_CONAC_ID,
    )
