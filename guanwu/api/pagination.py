from typing import Any

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``{count, next, previous, results}``; clients may ask for up to 200 rows a page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def page_link(request: Any, number: int, last_page: int) -> str | None:
    """The absolute URL of page ``number`` of this listing, or None outside 1..last_page."""
    if number < 1 or number > last_page:
        return None
    query = request.query_params.copy()
    query["page"] = str(number)
    return f"{request.build_absolute_uri(request.path)}?{query.urlencode()}"
