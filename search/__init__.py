"""Chinese search over articles, programmes and districts.

Text is segmented into words at write time (rjieba) and kept in an index table;
PostgreSQL searches it with a GIN-indexed tsvector, SQLite with FTS5. Queries
are segmented the same way. `service.search()` is the one entry point used by
the search page, the JSON endpoint and the admin's search boxes.
"""
