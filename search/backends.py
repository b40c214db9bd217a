"""Full-text matching and ranking, one way per database.

Both receive the filters (service.SearchFilters) and the parsed query, and return (total, [(entry_id, score)]) best first. Only words made of
letters and digits reach the database, always as quoted terms, so no query
operator a reader types (& | ! : * ( ) NEAR AND OR NOT …) is ever interpreted.
"""

from django.db import connection

# Ranking cost grows with the number of matches: rank only the newest
# RANK_WINDOW matches (the count stays exact).
RANK_WINDOW = 2000
SQLITE_RANK_WINDOW = 300
# Counts stop here: "1000+" is all a reader needs, and counting every one of
# tens of thousands of matches costs more than finding the first ten.
COUNT_CAP = 1000


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


def search_postgres(filters, query, limit, offset):
    conditions, params = filters.sql("e")
    tsquery = postgres_tsquery(query)
    matched = (
        "FROM articles_searchentry e, to_tsquery('simple', %s) q "
        f"WHERE e.search_vector @@ q AND {conditions}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {matched} LIMIT %s) AS capped",
            [tsquery, *params, COUNT_CAP + 1],
        )
        total = cursor.fetchone()[0]
        # Rank only the newest RANK_WINDOW matches: for common words PostgreSQL
        # walks the sort_date index and stops there, instead of ranking every match.
        cursor.execute(
            "SELECT id, ts_rank(search_vector, q) * boost AS score FROM ("
            f"  SELECT e.id, e.search_vector, e.boost, e.sort_date, q {matched}"
            "  ORDER BY e.sort_date DESC LIMIT %s"
            ") AS newest "
            "ORDER BY score DESC, sort_date DESC, id DESC LIMIT %s OFFSET %s",
            [tsquery, *params, RANK_WINDOW, limit, offset],
        )
        rows = cursor.fetchall()
    return total, rows


# CROSS JOIN keeps SQLite from starting at the entries table: the FTS match
# narrows first, then each match's entry is checked by rowid.
_FTS_JOIN = (
    "FROM articles_search_fts CROSS JOIN articles_searchentry e "
    "ON e.id = articles_search_fts.rowid "
    "WHERE articles_search_fts MATCH %s AND {conditions}"
)


def search_sqlite(filters, query, limit, offset):
    conditions, params = filters.sql("e")
    match = fts5_query(query)
    joined = _FTS_JOIN.format(conditions=conditions)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {joined} LIMIT %s)", [match, *params, COUNT_CAP + 1]
        )
        total = cursor.fetchone()[0]
        # bm25 is negative, lower is better; the boost shrinks weaker kinds.
        # Rank the best matches by text alone first (FTS5 does that fast), then
        # filter and boost those; only when the filters leave too few of them
        # is every match ranked.
        window = max(SQLITE_RANK_WINDOW, 3 * (offset + limit))
        cursor.execute(
            "SELECT e.id, best.score * e.boost AS score FROM ("
            "  SELECT rowid, bm25(articles_search_fts, 10.0, 1.0) AS score"
            "  FROM articles_search_fts WHERE articles_search_fts MATCH %s"
            "  ORDER BY score LIMIT %s"
            f") AS best CROSS JOIN articles_searchentry e ON e.id = best.rowid WHERE {conditions} "
            "ORDER BY score, e.sort_date DESC, e.id DESC LIMIT %s OFFSET %s",
            [match, window, *params, limit, offset],
        )
        rows = cursor.fetchall()
        if len(rows) < limit and min(total, COUNT_CAP) > offset + len(rows):
            cursor.execute(
                f"SELECT e.id, bm25(articles_search_fts, 10.0, 1.0) * e.boost AS score {joined} "
                "ORDER BY score, e.sort_date DESC, e.id DESC LIMIT %s OFFSET %s",
                [match, *params, limit, offset],
            )
            rows = cursor.fetchall()
    return total, [(pk, -score) for pk, score in rows]


def search(filters, query, limit, offset):
    if connection.vendor == "postgresql":
        return search_postgres(filters, query, limit, offset)
    return search_sqlite(filters, query, limit, offset)
