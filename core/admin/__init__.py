"""Admin building blocks every content app shares; core registers no admin of its own
(the tag admin lives with the content it scopes to, in articles.admin.tags)."""
