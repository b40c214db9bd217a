"""The articles and programmes a member of staff may see in the admin and in
previews: every one, or a district editor's own districts' (districts.scoping)."""

from districts.scoping import limit_to_own_districts

from .models import Article, Programme


def scoped_articles(user):
    return limit_to_own_districts(Article.objects.all(), user, "districts")


def scoped_programmes(user):
    return limit_to_own_districts(Programme.objects.all(), user, "district")
