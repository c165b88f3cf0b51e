"""Commitments in the site search (``gcmhub.web.search``).

Only those the reader may open are listed: ``services.visible_commitments``
is the same rule as the pages and the API. The table can be large, so SQL
narrows first — every word must occur in the title, the description or the
owner's name (case-insensitive) — and ``SearchQuery.score`` ranks what is
left. SQL's comparison is blind to case but not to accents, so a query
typed without accents finds accented titles only through the ranking of
rows the other words already found: a known limit of this provider.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.commitments import flags
from gcmhub.i18n import localized
from gcmhub.web.search import SearchQuery, SearchResult, register_search_provider

from .services import visible_commitments

# More candidates than a page of results ever shows, so ranking can choose.
CANDIDATES = 200


def search_commitments(query: SearchQuery):
    candidates = visible_commitments(query.user)
    for word in query.words:
        candidates = candidates.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(owner__name__icontains=word)
        )
    for commitment in candidates.order_by("-created_at")[:CANDIDATES]:
        score = query.score(commitment.title, commitment.description, commitment.owner.name)
        if score:
            summary = [
                str(commitment.get_kind_display()),
                localized(commitment.area, "name", query.language),
                # The traffic light, in words, wherever a commitment is listed.
                str(flags.LIGHT_LABELS[flags.commitment_light(commitment)]),
            ]
            if commitment.is_demo:
                summary.append(str(_("invented demo data")))
            yield SearchResult(
                title=commitment.title,
                url=reverse("commitments:detail", args=[commitment.pk]),
                summary=" · ".join(summary),
                score=score,
            )


def register() -> None:
    register_search_provider("commitments", _("Commitments"), search_commitments, order=60)
