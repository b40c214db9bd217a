"""Full-text matching and ranking, one way per database.

Both receive the filtered candidate entries as a queryset and the parsed
query, and return (total, [(entry_id, score)]) best first. Only words made of
letters and digits reach the database, always as quoted terms, so no query
operator a reader types (& | ! : * ( ) NEAR AND OR NOT …) is ever interpreted.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField
from django.db.models.functions import Cast

# Ranking cost grows with the number of matches: rank only the newest
# RANK_WINDOW matches (the count stays exact).
RANK_WINDOW = 2000


def _quote_pg(word):
    return "'" + word.replace("'", "").replace("\\", "") + "'"


def postgres_tsquery(query):
    parts = [_quote_pg(w) for w in query.words]
    parts += ["(" + " <-> ".join(_quote_pg(w) for w in phrase) + ")" for phrase in query.phrases]
    return " & ".join(parts)


def _quote_fts(word):
    return '"' + word.replace('"', "") + '"'


def fts5_query(query):
    parts = [_quote_fts(w) for w in query.words]
    parts += ['"' + " ".join(w.replace('"', "") for w in phrase) + '"' for phrase in query.phrases]
    return " AND ".join(parts)


def search_postgres(entries, query, limit, offset):
    tsquery = SearchQuery(postgres_tsquery(query), search_type="raw", config="simple")
    matches = entries.filter(search_vector=tsquery)
    total = matches.count()
    window = matches.order_by(F("sort_date").desc(nulls_last=True)).values("pk")[:RANK_WINDOW]
    ranked = (
        matches.filter(pk__in=window)
        .annotate(score=SearchRank(F("search_vector"), tsquery) * Cast("boost", FloatField()))
        .order_by("-score", F("sort_date").desc(nulls_last=True), "-pk")
        .values_list("pk", "score")[offset : offset + limit]
    )
    return total, list(ranked)


def search_sqlite(entries, query, limit, offset):
    candidates_sql, params = entries.values("pk").query.sql_with_params()
    match = fts5_query(query)
    base = (
        "FROM articles_search_fts JOIN articles_searchentry e ON e.id = articles_search_fts.rowid "
        f"WHERE articles_search_fts MATCH %s AND e.id IN ({candidates_sql})"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", [match, *params])
        total = cursor.fetchone()[0]
        # bm25 is negative, lower is better; the boost shrinks weaker kinds.
        cursor.execute(
            "SELECT e.id, bm25(articles_search_fts, 10.0, 1.0) * e.boost AS score "
            f"{base} ORDER BY score, e.sort_date DESC, e.id DESC LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        )
        rows = [(pk, -score) for pk, score in cursor.fetchall()]
    return total, rows


def search(entries, query, limit, offset):
    if connection.vendor == "postgresql":
        return search_postgres(entries, query, limit, offset)
    return search_sqlite(entries, query, limit, offset)
