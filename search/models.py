"""The search index: one narrow row per searchable item and its text.

The tables keep the names they had when search lived in the articles app
(migration search 0001 moved the models without touching the database).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from core.status import Status


class SearchEntry(models.Model):
    """One searchable item (article, programme or district): what filtering and
    ranking need, kept narrow so matches are joined and filtered quickly.

    Kept up to date by search.indexing; `kind` names an entry of
    search.registry. Status and times are copied from the item, so the public
    search applies the one visibility rule (core.publication) at query time,
    like every other page; items without a schedule of their own enter the
    index with the time they were created. PostgreSQL matches `search_vector`
    (GIN index, migration articles 0003; kept in the row rather than in TOAST,
    migration search 0002); SQLite an FTS5 table over the words in
    SearchDocument.
    """

    scheduled = True

    kind = models.CharField("类别", max_length=20)
    object_id = models.BigIntegerField("对象编号")
    title = models.CharField("标题", max_length=300)
    search_vector = SearchVectorField(null=True, editable=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    published_at = models.DateTimeField("发布时间", null=True)
    expires_at = models.DateTimeField("下线时间", null=True)
    sort_date = models.DateTimeField("排序时间", null=True)
    year = models.PositiveSmallIntegerField("年份", null=True)
    district_slugs = models.CharField("城区", max_length=500, blank=True)
    tag_slugs = models.TextField("标签", blank=True)
    boost = models.FloatField("权重", default=1.0)

    class Meta:
        db_table = "articles_searchentry"
        verbose_name = "搜索索引条目"
        verbose_name_plural = "搜索索引条目"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_entry")
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="search_visible_idx"),
            # Lets PostgreSQL take the newest matches of a common word in order.
            models.Index(fields=["sort_date"], name="search_sort_date_idx"),
        ]

    def __str__(self):
        return f"{self.kind}：{self.title}"


class SearchDocument(models.Model):
    """The text of a search entry: plain text for snippets and the segmented
    words (space-separated) that the databases index, in three weights: title,
    body, attachments (an article's 附件, whose bounded text is kept too, so a
    result can show which attachment matched)."""

    entry = models.OneToOneField(
        SearchEntry, primary_key=True, on_delete=models.CASCADE, related_name="document"
    )
    body = models.TextField("正文", blank=True)
    title_words = models.TextField("标题分词", blank=True)
    body_words = models.TextField("正文分词", blank=True)
    attachment_words = models.TextField("附件分词", blank=True)
    # [{"id", "title", "kind", "text"}], see search.kinds.attachment_texts.
    attachments = models.JSONField("附件文字", default=list, blank=True)

    class Meta:
        db_table = "articles_searchdocument"
        verbose_name = "搜索文本"
        verbose_name_plural = "搜索文本"

    def __str__(self):
        return str(self.entry_id)
