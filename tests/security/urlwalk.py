"""Every staff view and API operation, read from the URL configuration and the API schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# Methods an operation of the API can have; the schema lists each path's.
API_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" or a plain name
    route: str  # the pattern, e.g. "admin/cases/<int:pk>/"
    kwargs: tuple[str, ...]  # the pattern's keyword arguments, in order
    module: str  # the module of the view


def _callback_module(callback: Any) -> str:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    target = view_class or callback
    module = getattr(target, "__module__", "") or ""
    wrapped = getattr(callback, "__wrapped__", None)
    if not module.startswith("guanwu.") and wrapped is not None:
        module = getattr(wrapped, "__module__", module) or module
    return module


def _walk(patterns: list[Any], prefix: str, namespace: str) -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        text = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes += _walk(entry.url_patterns, prefix + text, ns)
        elif isinstance(entry, URLPattern):
            if not entry.name:
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            route = prefix + text
            kwargs = tuple(
                re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
                and [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]
            )
            routes.append(Route(name, route, kwargs, _callback_module(entry.callback)))
    return routes


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns, "", "")


def in_scope(route: Route) -> bool:
    """Ours: views of guanwu.* anywhere, the API, and the admin's front door."""
    if route.name == "wagtailadmin_home":
        return True
    if route.route.startswith("api/"):
        return True
    return route.module.startswith("guanwu.")


def scoped_routes() -> dict[str, Route]:
    """One route per name (a name reached by two patterns keeps the first, as reverse does)."""
    found: dict[str, Route] = {}
    for route in all_routes():
        if in_scope(route):
            found.setdefault(route.name, route)
    return found


def api_operations() -> set[tuple[str, str]]:
    """(schema path, METHOD) of every operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method in API_METHODS
    }
