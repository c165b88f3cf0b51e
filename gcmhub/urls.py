"""Top-level URLs: the API and health check outside the language prefix,
every human page under /en/, /fr/ or /es/."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path

from gcmhub.api import api, not_found_json

urlpatterns = [
    path("api/v1/", api.urls),
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
