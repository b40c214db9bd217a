"""An article's texts for the proofreading checker (proofreading.checker).

    hits = proofread_article(article)                      # a saved article
    hits = proofread_article(form.instance, sections)      # an admin form, before saving

Checking many articles: load the word list once (`Proofreader.load()`) and
pass it as `proofreader`; prefetch `sections` (see `for_proofreading`).
"""

from django.db.models import Prefetch

from proofreading.checker import proofread
from proofreading.texts import SectionText, labelled_texts

from .models import Article, ArticleSection


def article_texts(article, sections=None):
    """(label, text) pairs of `article`: title, summary, each section's district,
    heading, sub-headings and paragraphs, the closing slogan. `sections` are
    ArticleSection instances, saved or not (an admin form's); by default the
    article's own (prefetched ones are used as they are)."""
    if sections is None:
        sections = article.sections.all() if article.pk else []
    sections = sorted(sections, key=lambda section: section.position or 0)
    return labelled_texts(
        title=article.title,
        summary=article.summary,
        closing_slogan=article.closing_slogan,
        sections=[
            SectionText.from_html(
                section.body, heading=section.heading, district_label=section.district_label
            )
            for section in sections
        ],
    )


def proofread_article(article, sections=None, proofreader=None):
    """The hits in `article` (see article_texts), dated by its 发布时间 (today if
    it has none); `proofreader` is a loaded word list to reuse."""
    return proofread(
        article_texts(article, sections), on=article.published_at, proofreader=proofreader
    )


def for_proofreading(queryset=None):
    """Articles with what article_texts reads loaded up front: one query for the
    articles and one for their sections, however many there are."""
    queryset = Article.objects.all() if queryset is None else queryset
    return queryset.prefetch_related(
        Prefetch(
            "sections",
            queryset=ArticleSection.objects.only(
                "article_id", "position", "district_label", "heading", "body"
            ).order_by("position", "pk"),
        )
    )
