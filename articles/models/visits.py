"""Visit counts (浏览次数): how many readers opened each article on each day
(Beijing time). Per day, so that the home page's 热门 (the last 7 days) and
the annual report's months can be summed; an article's total is the sum of its
days. Written only in batches by articles.visits, never once per view, and
outside the page cache's invalidation (settings.PAGE_CACHE_IGNORED_MODELS):
a count changes no page's content, only the number the page's script fills in.
"""

from django.db import models

from .article import Article


class ArticleVisitDay(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="visit_days", verbose_name="稿件"
    )
    day = models.DateField("日期")
    count = models.PositiveIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = "每日浏览次数"
        verbose_name_plural = "每日浏览次数"
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="unique_article_visit_day")
        ]
        # 热门 and the annual report select by day first.
        indexes = [models.Index(fields=["day", "article"], name="article_visit_day_idx")]
        permissions = [("view_visit_statistics", "可以查看浏览统计与年度报表")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"
