"""Reviews in the site search (``gcmhub.web.search``).

Only the reviews the reader may open are listed (``services.visible_reviews``,
the rule of the pages and the API). SQL narrows on the title, the forum and
the area's name; ``SearchQuery.score`` ranks what is left.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gcmhub.i18n import localized
from gcmhub.web.search import SearchQuery, SearchResult, register_search_provider

CANDIDATES = 200


def search_reviews(query: SearchQuery):
    from gcmhub.reviews.services import visible_reviews

    candidates = visible_reviews(query.user)
    for word in query.words:
        candidates = candidates.filter(
            Q(title__icontains=word) | Q(forum__icontains=word) | Q(area__search_text__contains=word)
        )
    for review in candidates.order_by("-created_at")[:CANDIDATES]:
        area_name = localized(review.area, "name", query.language)
        score = query.score(review.title, review.forum, area_name, codes=[review.area.iso3 or review.area.m49])
        if score:
            summary = [str(review.get_kind_display()), area_name, str(review.get_status_display())]
            if review.is_demo:
                summary.append(str(_("invented demo data")))
            yield SearchResult(
                title=review.title, url=reverse("reviews:review", args=[review.pk]), summary=" · ".join(summary), score=score
            )


def register() -> None:
    register_search_provider("reviews", _("Reviews"), search_reviews, order=70)
