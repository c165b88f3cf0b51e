"""Top-level URLs: the API and health check outside the language prefix,
every human page under /en/, /fr/ or /es/."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, include, path, re_path

from gcmhub.api import api, not_found_json


def grouped_by_first_segment(patterns: list) -> list:
    """The API's routes nested under their first path segment ("explorer/",
    "commitments/", …), so that resolving a request tries a few dozen prefixes
    rather than each of the 130-odd routes in turn: Django resolves linearly,
    and that walk was a sixth of what a kept API answer cost. Routes without a
    literal first segment stay where they are; names (and so ``reverse``) are
    unchanged, as the groups add no namespace."""
    if any(str(p.pattern).startswith("<") for p in patterns):
        return patterns  # a leading converter could match another group's paths: keep the order as it is
    grouped: list = []
    groups: dict[str, list] = {}
    for pattern in patterns:
        route = str(pattern.pattern)
        segment, slash, rest = route.partition("/")
        if not (slash and isinstance(pattern, URLPattern)):
            grouped.append(pattern)
            continue
        if segment not in groups:
            groups[segment] = []
            grouped.append(path(f"{segment}/", include(groups[segment])))
        groups[segment].append(path(rest, pattern.callback, pattern.default_args, pattern.name))
    return grouped


api_patterns, api_app_name, api_namespace = api.urls

urlpatterns = [
    path("api/v1/", (grouped_by_first_segment(api_patterns), api_app_name, api_namespace)),
    re_path(r"^api/v1/", not_found_json),  # after the API: unknown endpoints get JSON
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("gcmhub.web.urls")),
    path("", include("gcmhub.framework.urls")),
    path("", include("gcmhub.geo.urls")),
    path("", include("gcmhub.actors.urls")),
    path("", include("gcmhub.indicators.urls")),
    path("", include("gcmhub.progress.urls")),
    path("", include("gcmhub.commitments.urls")),
    path("", include("gcmhub.commitments.inbox_urls")),
    path("", include("gcmhub.commitments.coordination_urls")),
    path("", include("gcmhub.practices.urls")),
    path("", include("gcmhub.practices.search.urls")),
    path("", include("gcmhub.explorer.urls")),
    path("", include("gcmhub.reviews.urls")),
    path("", include("gcmhub.reports.urls")),
    path("", include("gcmhub.reviews.scorecard_urls")),
    path("", include("gcmhub.protection.urls")),
    prefix_default_language=True,
)
