"""What the API answers, field by field, each described in Chinese: these
classes are the OpenAPI schema (/api/v1/openapi.json) and check every answer
on its way out."""

from datetime import date, datetime

from ninja import Field, Schema


class Error(Schema):
    code: str = Field(description="稳定的错误代码，供程序判断，如 invalid_parameter、not_found。")
    message: str = Field(description="错误说明（中文）。")


class PageLinks(Schema):
    count: int = Field(description="符合条件的总条数（只计读者现在可见的内容）。")
    page: int = Field(description="当前页码，从1开始。")
    limit: int = Field(description="每页条数（最多100）。")
    next: str | None = Field(description="下一页的完整地址；已是最后一页时为 null。")
    previous: str | None = Field(description="上一页的完整地址；已是第一页时为 null。")


class TagRef(Schema):
    slug: str = Field(description="标签的网址名。")
    name: str = Field(description="标签名称。")


class Tag(TagRef):
    article_count: int = Field(description="带此标签、读者现在可见的稿件数。")
    programme_count: int = Field(description="带此标签的已发布举措数。")
    district_count: int = Field(description="带此标签的城区数。")
    page_url: str = Field(description="网站上此标签页面的完整地址。")


class TagList(PageLinks):
    results: list[Tag] = Field(description="本页的标签，带稿件最多的在前。")


class Rendition(Schema):
    url: str = Field(description="此规格图片文件的完整地址（文件名随内容而变，可长期缓存）。")
    width: int = Field(description="宽（像素）。")
    height: int = Field(description="高（像素）。")
    format: str = Field(description="图片格式：avif、webp 或 jpeg（jpeg 所有浏览器都能显示）。")


class LeadImage(Schema):
    alt: str = Field(description="替代文本，为看不到图片的读者描述图片内容；装饰性图片为空字符串。")
    decorative: bool = Field(description="是否为纯装饰、不传达信息的图片。")
    caption: str = Field(description="图片说明；没有时为空字符串。")
    credit: str = Field(description="摄影署名，如“王小明 摄”；没有时为空字符串。")
    source: str = Field(description="图片来源或版权，如“杭州日报”；没有时为空字符串。")
    width: int = Field(description="原图宽（像素）。")
    height: int = Field(description="原图高（像素）。")
    renditions: list[Rendition] = Field(
        description="与原图同比例、不同宽度和格式的图片文件，按格式、再按宽度从小到大排列；"
        "不会比原图更宽。"
    )


class DistrictRef(Schema):
    slug: str = Field(description="城区的网址名。")
    name: str = Field(description="城区名称，如“上城区”。")
    dissolved_on: date | None = Field(
        description="撤销日期（行政区划调整后不再存在的城区）；现存城区为 null。"
    )
    url: str = Field(description="此城区在 API 中的完整地址。")


class District(DistrictRef):
    page_url: str = Field(description="网站上此城区页面的完整地址。")
    is_dissolved: bool = Field(description="今天是否已撤销。")
    aliases: list[str] = Field(description="来源文本中的其他写法，如“滨江区”“高新区”。")
    profile: str = Field(description="城区简介。")
    change_note: str = Field(description="区划调整说明。")
    successors: list[DistrictRef] = Field(description="撤销后辖区并入的城区（承继城区）。")
    predecessors: list[DistrictRef] = Field(description="并入本城区的已撤销城区。")
    tags: list[TagRef] = Field(description="城区的标签。")


class DistrictDetail(District):
    article_count: int = Field(description="与此城区相关、读者现在可见的稿件数。")
    programmes: list["ProgrammeRef"] = Field(description="此城区已发布的举措。")


class DistrictList(PageLinks):
    results: list[District] = Field(description="本页的城区，现存城区在前。")


class CampaignRef(Schema):
    slug: str = Field(description="专题的网址名。")
    title: str = Field(description="专题名称。")
    year: int = Field(description="专题年份。")
    url: str = Field(description="此专题在 API 中的完整地址。")


class ProgrammeRef(Schema):
    slug: str = Field(description="举措的网址名。")
    name: str = Field(description="举措名称，如“五学五争”。")
    headline: str = Field(description="举措标题。")
    district: DistrictRef = Field(description="开展此举措的城区。")
    url: str = Field(description="此举措在 API 中的完整地址。")


class ProgrammeItem(Schema):
    kind: str = Field(
        description="类别代码：item（条目）、activity（专项活动）、sub_course（子课程）。"
    )
    kind_label: str = Field(description="类别的中文名称。")
    position: int = Field(description="在同类条目中的顺序，从0开始。")
    title: str = Field(description="条目内容。")
    description: str = Field(description="条目说明；没有时为空字符串。")


class KeyFigure(Schema):
    qualifier: str = Field(description="限定词，如“不少于”；没有时为空字符串。")
    value: int = Field(description="数值。")
    unit: str = Field(description="单位，如“场”“项”；没有时为空字符串。")
    label: str = Field(description="指标，如“巡回宣讲”。")
    source_text: str = Field(description="原文表述，如“六大专题活动”；没有时为空字符串。")


class ProgrammeEvent(Schema):
    title: str = Field(description="事项。")
    date: str | None = Field(
        description="日期（YYYY-MM-DD），只精确到 date_precision 所说的程度；日期不详时为 null。"
    )
    date_precision: str = Field(
        description="日期精度：day（具体到日）、month（具体到月）、year（具体到年）、unknown（日期不详）。"
    )
    date_text: str = Field(description="原文的日期写法，如“3月5日”“昨天”“近日”。")
    note: str = Field(description="备注；没有时为空字符串。")


class Programme(ProgrammeRef):
    page_url: str = Field(description="网站上此举措页面的完整地址。")
    campaign: CampaignRef | None = Field(description="举措所属的专题；专题不可见时为 null。")
    summary: str = Field(description="举措概述。")
    lead_image: LeadImage | None = Field(description="举措的题图；没有时为 null。")
    items: list[ProgrammeItem] = Field(description="举措的条目、专项活动和子课程，按原文顺序。")
    figures: list[KeyFigure] = Field(description="举措的关键数据。")
    events: list[ProgrammeEvent] = Field(description="举措的时间节点，日期只如原文一样精确。")
    tags: list[TagRef] = Field(description="举措的标签。")


class ProgrammeList(PageLinks):
    results: list[Programme] = Field(description="本页的已发布举措，按专题和顺序排列。")


class ArticleRef(Schema):
    slug: str = Field(description="稿件的网址名。")
    title: str = Field(description="标题。")
    published_at: datetime | None = Field(description="发布时间（北京时间，ISO 8601，带时区）。")
    url: str = Field(description="此稿件在 API 中的完整地址。")


class Campaign(CampaignRef):
    page_url: str = Field(description="网站上专题报道页面的完整地址。")
    slogan: str = Field(description="专题口号，如“奋斗百年路 启航新征程”。")
    lead: str = Field(description="专题导语。")
    lead_image: LeadImage | None = Field(description="专题的题图；没有时为 null。")
    report_article: ArticleRef | None = Field(description="专题报道所依据的稿件；不可见时为 null。")
    programmes: list[Programme] = Field(
        description="各城区已发布的举措，含条目、关键数据和时间节点。"
    )
    tags: list[TagRef] = Field(description="专题的标签。")


class Article(Schema):
    slug: str = Field(description="稿件的网址名；旧网址名以301跳转到当前网址名。")
    url: str = Field(description="此稿件在 API 中的完整地址。")
    page_url: str = Field(description="网站上此稿件页面的完整地址。")
    kicker: str = Field(description="引题（主标题上方的一行）；没有时为空字符串。")
    title: str = Field(description="标题。")
    subtitle: str = Field(description="副题（主标题下方的一行）；没有时为空字符串。")
    summary: str = Field(description="摘要；没有时为空字符串。")
    published_at: datetime | None = Field(description="发布时间（北京时间，ISO 8601，带时区）。")
    published_time_known: bool = Field(
        description="发布时刻是否已知：为 false 时来源只给出日期，published_at 的时刻不可当真。"
    )
    revised_at: datetime | None = Field(description="最近一次更正或更新的时间；没有时为 null。")
    source: str = Field(description="来源，如“杭州日报”；没有时为空字符串。")
    lead_image: LeadImage | None = Field(
        description="题图（页面顶部、列表卡片和分享卡片中的图片）；没有时为 null。"
    )
    districts: list[DistrictRef] = Field(description="相关城区。")
    tags: list[TagRef] = Field(description="标签。")


class ArticleList(PageLinks):
    results: list[Article] = Field(description="本页的稿件，按发布时间从新到旧。")


class Person(Schema):
    role: str = Field(description="身份，如“记者”“通讯员”；没有时为空字符串。")
    name: str = Field(description="姓名。")


class Bylines(Schema):
    author: list[Person] = Field(description="作者。")
    correspondent: list[Person] = Field(description="通讯员。")
    photographer: list[Person] = Field(description="摄影。")
    editor: list[Person] = Field(description="编辑。")
    responsible_editor: list[Person] = Field(description="责任编辑。")


class Section(Schema):
    position: int = Field(description="在正文中的顺序，从0开始。")
    heading: str = Field(description="小标题；导语部分没有小标题，为空字符串。")
    district: DistrictRef | None = Field(description="此节所讲的城区；不专讲某个城区时为 null。")
    district_label: str = Field(description="原文中城区的写法，如“高新区(滨江)”。")
    html: str = Field(
        description="此节正文的 HTML，已清理（无脚本、事件属性或 javascript: 链接）；"
        '正文中的图片与网页上一样，以 <figure class="body-image"> 内的 <picture> 给出'
        "（各种宽度和格式，完整地址），附图片说明和摄影署名。"
    )
    text: str = Field(description="此节正文的纯文本，段落之间以换行分隔；不含图片。")


class Correction(Schema):
    kind: str = Field(description="类别代码：correction（更正）或 update（更新）。")
    kind_label: str = Field(description="类别的中文名称。")
    note: str = Field(description="说明；更新可以没有说明，为空字符串。")
    created_at: datetime = Field(description="更正或更新的时间。")


class Attachment(Schema):
    title: str = Field(description="附件标题。")
    kind: str = Field(description="文件类型（扩展名），如 pdf、docx。")
    content_type: str = Field(description="文件的 MIME 类型，如 application/pdf。")
    size: int = Field(description="文件大小（字节）。")
    label: str = Field(description="网页上链接旁的说明，如“PDF，1.2 MB”。")
    url: str = Field(description="下载地址（完整地址，/files/ 下，长期有效：替换文件后地址不变）。")


class ArticleDetail(Article):
    dateline: str = Field(description="电头，如“杭州日报讯”；没有时为空字符串。")
    bylines: Bylines = Field(description="署名，按类别分列。")
    sections: list[Section] = Field(description="正文各节，按顺序。")
    closing_slogan: str = Field(description="正文之后单独成行的口号；没有时为空字符串。")
    campaign: CampaignRef | None = Field(description="所属专题；没有或不可见时为 null。")
    programmes: list[ProgrammeRef] = Field(description="相关的已发布举措。")
    corrections: list[Correction] = Field(description="更正与更新，按时间先后。")
    attachments: list[Attachment] = Field(description="附件。")


class SearchAttachment(Schema):
    title: str = Field(description="命中搜索词的附件标题。")
    url: str = Field(description="附件的下载地址。")
    snippet: str = Field(description="附件中搜索词周围的文字。")
    snippet_html: str = Field(description="同上，搜索词以 <mark> 标出。")


class SearchHit(Schema):
    type: str = Field(
        description="结果类别：article（稿件）、programme（举措）或 district（城区）。"
    )
    title: str = Field(description="标题。")
    url: str = Field(description="网站上此结果页面的完整地址。")
    title_html: str = Field(description="标题，搜索词以 <mark> 标出。")
    snippet_html: str = Field(description="正文中搜索词周围的文字，搜索词以 <mark> 标出。")
    date: str | None = Field(description="发布日期（ISO 8601）；没有时为 null。")
    districts: list[str] = Field(description="相关城区的名称。")
    attachment: SearchAttachment | None = Field(description="因附件内容命中时的附件；否则为 null。")


class SearchResults(Schema):
    query: str = Field(description="实际搜索的文字（超长时只取开头）。")
    count: int = Field(description="结果总数，超过1000时记为1000。")
    count_is_capped: bool = Field(description="结果总数是否超过1000。")
    page: int = Field(description="当前页码。")
    num_pages: int = Field(description="总页数（最多100页）。")
    next: str | None = Field(description="下一页的完整地址；已是最后一页时为 null。")
    previous: str | None = Field(description="上一页的完整地址；已是第一页时为 null。")
    results: list[SearchHit] = Field(description="本页结果，按相关程度排列。")


DistrictDetail.model_rebuild()
