"""The API's routes are nested under their first path segment (gcmhub/urls.py)
so that resolving a request is quick; every route must still resolve to the
same endpoint, with the same arguments and name, as in the flat list."""

import re

from django.urls import URLResolver, reverse
from django.urls.resolvers import RoutePattern

from gcmhub.api import api
from gcmhub.urls import grouped_by_first_segment

SAMPLE = {"int": "7", "path": "a/b"}


def sample_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "KEN"), route)


def test_every_route_resolves_as_in_the_flat_list():
    flat = api.urls[0]
    nested = grouped_by_first_segment(list(flat))
    assert len(nested) < len(flat) / 2  # it does group
    flat_resolver, nested_resolver = URLResolver(RoutePattern(""), flat), URLResolver(RoutePattern(""), nested)
    for pattern in flat:
        path = sample_path(str(pattern.pattern))
        expected, found = flat_resolver.resolve(path), nested_resolver.resolve(path)
        assert (found.url_name, found.kwargs, found.func) == (expected.url_name, expected.kwargs, expected.func), path


def test_a_leading_converter_leaves_the_order_alone():
    from django.urls import path

    def view(request):
        return None

    patterns = [path("<str:kind>/x", view), path("a/b", view)]
    assert grouped_by_first_segment(patterns) == patterns


def test_names_reverse_to_the_same_paths():
    assert reverse("api:get_corridor", kwargs={"origin": "MEX", "destination": "USA"}) == (
        "/api/v1/explorer/corridors/MEX/USA"
    )
    assert reverse("api:index") == "/api/v1/"
