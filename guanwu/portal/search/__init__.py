"""Chinese full-text search over live disclosure items: one small interface.

``search()`` serves the website, the kiosk and ``/api/v1/search/``; ``index_pages()`` and
``remove_pages()`` keep the index in step with publication (see ``signals``).
"""

from .engine import SearchResults, index_pages, rebuild, remove_pages, search
from .query import QueryError

__all__ = ["QueryError", "SearchResults", "index_pages", "rebuild", "remove_pages", "search"]
