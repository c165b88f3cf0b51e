"""The progress headline on the home page (``gcmhub.web.entry_points``): the
world map of the objective on which the most countries are assessed, as the
server-drawn SVG of its progress page, linking to that page."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.i18n import localized
from gcmhub.web.entry_points import HomePanel, register_home_panel

from . import defaults, scorecards


def _assessed_counts() -> dict[tuple[int, str], int]:
    """Countries with a status (not "not available") per (series, disaggregation)."""
    from gcmhub.geo.models import Area

    from .models import Assessment, Status

    rows = (
        Assessment.objects.order_by()
        .filter(method=defaults.DEFAULT_METHOD, area__kind=Area.Kind.COUNTRY)
        .exclude(status=Status.NOT_AVAILABLE)
        .values("series_id", "dimension_key")
        .annotate(n=Count("area_id", distinct=True))
    )
    return {(row["series_id"], row["dimension_key"]): row["n"] for row in rows}


def best_covered_objective():
    """(objective, countries assessed on its best-covered primary series), or None."""
    from gcmhub.framework.models import Objective

    counts = _assessed_counts()
    if not counts:
        return None
    best = None
    for number, links in sorted(scorecards.objective_links().items()):
        primary = [link for link in links if link.relevance == scorecards.PRIMARY]
        covered = max((counts.get(unit.key, 0) for link in primary for unit in link.units), default=0)
        if covered and (best is None or covered > best[1]):
            best = (number, covered)
    if best is None:
        return None
    return Objective.objects.get(number=best[0]), best[1]


def progress_map() -> HomePanel | None:
    found = best_covered_objective()
    if found is None:
        return None
    objective, countries = found
    title = localized(objective, "short_title")
    return HomePanel(
        title=_("Progress on objective %(number)d: %(title)s") % {"number": objective.number, "title": title},
        url=reverse("progress:objective", args=[objective.number]),
        link_text=_("See every country's status and how it was computed"),
        caption=ngettext(
            "%(count)d country assessed on its main indicator.",
            "%(count)d countries assessed on its main indicator.",
            countries,
        )
        % {"count": countries},
        image_url=reverse("progress:objective-map", args=[objective.number]),
        image_alt=_(
            "World map of countries coloured by their progress status on objective %(number)d; "
            "the linked page lists every country in a table."
        )
        % {"number": objective.number},
    )


def register() -> None:
    register_home_panel("progress", progress_map, order=20)
