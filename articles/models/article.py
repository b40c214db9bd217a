"""Articles: the reporting, with their body sections, bylines and old URLs."""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from core.models import tag_manager
from core.publication import Publishable, PublishableQuerySet
from core.richtext import BODY_EXTENSIONS, figure_ids, paragraphs_from_html, sanitize_html
from core.slugs import pinyin_slug, unique_slug
from core.status import Status
from districts.models import District
from images.models import Image, lead_image_field

# Leaves room for a "-2" style suffix within the slug field's 100 characters.
SLUG_BASE_LENGTH = 76


class ArticleQuerySet(PublishableQuerySet):
    def for_listing(self):
        """Load what an article list shows without a query per row."""
        return self.prefetch_related("districts", "tags")


class Article(Publishable):
    scheduled = True

    kicker = models.CharField(
        "引题", max_length=200, blank=True, help_text="主标题上方的一行，如“党史学习教育进行时”。"
    )
    title = models.CharField("标题", max_length=200)
    subtitle = models.CharField(
        "副题", max_length=300, blank=True, help_text="主标题下方的一行，常以“——”开头。"
    )
    slug = models.SlugField(
        "网址名",
        max_length=100,
        unique=True,
        blank=True,
        help_text="网址中使用的英文字母、数字和连字符；留空时由标题拼音生成。",
    )
    # Empty until the article is published or scheduled: a draft written
    # today and published next week must not appear backdated.
    published_at = models.DateTimeField(
        "发布时间",
        null=True,
        blank=True,
        help_text="北京时间；发布或定时发布时填入。晚于当前时间的稿件在到点前不会公开。",
    )
    revised_at = models.DateTimeField(
        "更新时间",
        null=True,
        blank=True,
        editable=False,
        help_text="已发布稿件最近一次更正或更新的时间，显示在发布时间旁。",
    )
    expires_at = models.DateTimeField(
        "下线时间",
        null=True,
        blank=True,
        help_text="可选；到达此时间后稿件自动从网站撤下。",
    )
    published_time_known = models.BooleanField(
        "发布时刻已知",
        default=True,
        help_text="来源只给出日期、没有具体时刻时取消勾选，页面上只显示日期。",
    )
    source = models.CharField("来源", max_length=100, blank=True)
    dateline = models.CharField(
        "电头",
        max_length=60,
        blank=True,
        help_text="正文开头的电头，如“杭州日报讯”“新华社杭州3月10日电”。",
    )
    summary = models.TextField("摘要", blank=True)
    lead_image = lead_image_field()
    closing_slogan = models.TextField(
        "结尾口号", blank=True, help_text="正文之后单独成行的口号，如“奋斗百年路 启航新征程”。"
    )
    districts = models.ManyToManyField(
        District, verbose_name="相关城区", related_name="articles", blank=True
    )
    programmes = models.ManyToManyField(
        "articles.Programme", verbose_name="相关举措", related_name="articles", blank=True
    )
    campaign = models.ForeignKey(
        "articles.Campaign",
        verbose_name="所属专题",
        related_name="articles",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    tags = tag_manager()
    attachments = models.ManyToManyField(
        "documents.Document",
        verbose_name="附件",
        related_name="articles",
        blank=True,
        help_text="从附件库中选择；页面上列出文件名、类型和大小。",
    )

    import_key = models.CharField(
        "导入标识",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="由来源、标题和发布时间算出，用于重复导入时找到同一篇稿件。",
    )
    imported_visits = models.PositiveIntegerField(
        "原网页浏览次数",
        null=True,
        blank=True,
        editable=False,
        help_text="导入的网页上显示的点击数或浏览次数，仅作记录。",
    )
    import_checksum = models.CharField(
        "导入文件校验和", max_length=64, blank=True, editable=False, db_index=True
    )
    imported_fingerprint = models.CharField(
        "导入时内容指纹",
        max_length=64,
        blank=True,
        editable=False,
        help_text="导入时正文的指纹；与当前正文不同说明编辑改过，重新导入时不会覆盖。",
    )
    source_file = models.CharField("导入文件名", max_length=255, blank=True, editable=False)

    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后编辑",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    # Bumped by every save; a form carries the value it was opened with, so a
    # save over someone else's newer change is refused instead of lost.
    edit_version = models.PositiveIntegerField("修订号", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后保存", auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_published_idx"),
        ]
        permissions = [("publish_article", "可以发布、定时发布和撤下稿件")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.edit_version += 1
        self._remember_old_slug()
        if self.slug:
            return super().save(*args, **kwargs)
        # Try the plain pinyin slug first: it is almost always free, and
        # checking beforehand would cost a query on every import.
        self.slug = pinyin_slug(self.title, max_length=SLUG_BASE_LENGTH, fallback="article")
        try:
            with transaction.atomic():
                return super().save(*args, **kwargs)
        except IntegrityError:
            self.slug = unique_slug(Article, self.title, fallback="article", exclude_pk=self.pk)
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.slug])

    def _remember_old_slug(self):
        """Keep a published article's old URL working after its slug changes."""
        if self._state.adding or not self.pk:
            return
        old = Article.objects.filter(pk=self.pk).values_list("slug", "status").first()
        if old and old[0] != self.slug and old[0] and old[1] == Status.PUBLISHED:
            ArticleRedirect.objects.update_or_create(old_slug=old[0], defaults={"article": self})

    def _bylines_of(self, kind):
        return [b for b in self.bylines.all() if b.kind == kind]

    @property
    def authors(self):
        return self._bylines_of(Byline.Kind.AUTHOR)

    @property
    def editors(self):
        return self._bylines_of(Byline.Kind.EDITOR)

    @property
    def photographers(self):
        return self._bylines_of(Byline.Kind.PHOTOGRAPHER)


class ArticleSection(models.Model):
    """A run of the body under one heading; the lead has no heading.

    A section whose heading names a district is that district's part of the
    report, so pages can show each district's paragraphs beside its programme.
    """

    article = models.ForeignKey(
        Article, verbose_name="稿件", related_name="sections", on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField("顺序", default=0)
    district = models.ForeignKey(
        District,
        verbose_name="城区",
        related_name="article_sections",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    district_label = models.CharField(
        "城区原文", max_length=50, blank=True, help_text="原文中城区的写法，如“高新区(滨江)”。"
    )
    heading = models.CharField("小标题", max_length=200, blank=True)
    body = ProseEditorField(
        "正文",
        blank=True,
        extensions=BODY_EXTENSIONS,
        sanitize=True,
        help_text="段落、小标题、加粗、链接和列表；保存时会清除脚本等不安全内容。",
    )

    class Meta:
        verbose_name = "正文分节"
        verbose_name_plural = "正文分节"
        ordering = ["article", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="unique_section_position")
        ]

    def __str__(self):
        return self.heading or self.district_label or f"第{self.position + 1}节"

    def save(self, *args, **kwargs):
        # Forms sanitise already; this covers every other way of saving.
        self.body = sanitize_html(self.body)
        created = self._state.adding
        super().save(*args, **kwargs)
        if not (created and "<figure" not in self.body):
            link_body_images([self])

    @property
    def paragraphs(self):
        return paragraphs_from_html(self.body)


class SectionImage(models.Model):
    """A library picture a section's body shows, read from the body's figure
    references whenever the section is written. It makes an image in use
    undeletable (PROTECT) and lets the image library list where it is used."""

    section = models.ForeignKey(
        ArticleSection, on_delete=models.CASCADE, related_name="image_links"
    )
    image = models.ForeignKey(
        Image, verbose_name="图片", on_delete=models.PROTECT, related_name="section_links"
    )

    class Meta:
        verbose_name = "正文图片"
        verbose_name_plural = "正文图片"
        constraints = [
            models.UniqueConstraint(fields=["section", "image"], name="unique_section_image")
        ]

    def __str__(self):
        return f"{self.section}：{self.image_id}"


def link_body_images(sections):
    """Record which library pictures the saved `sections` show. Called by
    ArticleSection.save() and by writers that bulk-create sections (the
    importer), which skip save(); references to pictures that no longer exist
    are left out."""
    wanted = {section.pk: figure_ids(section.body) for section in sections}
    mentioned = set().union(*wanted.values())
    existing = (
        set(Image.objects.filter(pk__in=mentioned).values_list("pk", flat=True))
        if mentioned
        else set()
    )
    SectionImage.objects.filter(section_id__in=wanted).delete()
    SectionImage.objects.bulk_create(
        SectionImage(section_id=section_id, image_id=image_id)
        for section_id, ids in wanted.items()
        for image_id in ids
        if image_id in existing
    )


class Byline(models.Model):
    """A person credited on an article, with the field and role word kept apart
    from the name (作者:记者 李婷婷 -> kind=作者, role=记者, name=李婷婷)."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "作者"
        CORRESPONDENT = "correspondent", "通讯员"
        PHOTOGRAPHER = "photographer", "摄影"
        EDITOR = "editor", "编辑"
        RESPONSIBLE_EDITOR = "responsible_editor", "责任编辑"

    article = models.ForeignKey(
        Article, verbose_name="稿件", related_name="bylines", on_delete=models.CASCADE
    )
    kind = models.CharField("署名类别", max_length=30, choices=Kind.choices)
    role = models.CharField("身份", max_length=20, blank=True, help_text="如“记者”“通讯员”。")
    name = models.CharField("姓名", max_length=50)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["article", "position", "pk"]

    def __str__(self):
        return f"{self.role} {self.name}".strip()


class Correction(models.Model):
    """A change to a published article that readers are told about: a
    correction (更正, with its note) or an update (更新). Typo and markup fixes
    (技术修改) are not listed."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "更正"
        UPDATE = "update", "更新"

    article = models.ForeignKey(
        Article, verbose_name="稿件", related_name="corrections", on_delete=models.CASCADE
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="编辑",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "更正与更新"
        verbose_name_plural = "更正与更新"
        ordering = ["article", "created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.note}" if self.note else self.get_kind_display()


class ArticleRedirect(models.Model):
    """An old slug of a published article; its URL redirects permanently."""

    old_slug = models.SlugField("旧网址名", max_length=100, unique=True)
    article = models.ForeignKey(
        Article, verbose_name="稿件", related_name="redirects", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "旧网址跳转"
        verbose_name_plural = "旧网址跳转"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
