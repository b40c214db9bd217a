from django.contrib import admin

from .models import Article, ArticleSection, Byline, Tag


class ArticleSectionInline(admin.StackedInline):
    model = ArticleSection
    extra = 0
    fields = ["position", "district", "district_label", "heading", "body"]
    autocomplete_fields = ["district"]


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    fields = ["position", "kind", "role", "name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "source", "district_names", "tag_names"]
    list_filter = ["status", "districts", "campaign", "tags", "published_at"]
    search_fields = ["title", "source", "bylines__name", "sections__heading", "sections__body"]
    date_hierarchy = "published_at"
    ordering = ["-published_at"]
    autocomplete_fields = ["districts", "programmes", "campaign"]
    readonly_fields = ["source_file", "created_at", "updated_at"]
    inlines = [ArticleSectionInline, BylineInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "published_at", "published_time_known"]}),
        ("来源与归类", {"fields": ["source", "dateline", "campaign", "districts", "programmes", "tags"]}),
        ("正文", {"fields": ["summary", "closing_slogan"]}),
        ("记录", {"fields": ["source_file", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts", "tags")

    @admin.display(description="城区")
    def district_names(self, article):
        return "、".join(d.name for d in article.districts.all())

    @admin.display(description="标签")
    def tag_names(self, article):
        return "、".join(t.name for t in article.tags.all())


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
