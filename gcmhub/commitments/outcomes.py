"""Linked outcomes: a commitment beside the statistics it should move.

The progress assessments (``gcmhub.progress``) of the indicator series the
commitment links to, for the commitment's area: headline results of the
default method, one per series. Assessments are public statistics, so they
need no permission beyond reading the commitment.
"""

from django.db.models import QuerySet

from gcmhub.commitments.models import Commitment
from gcmhub.progress.models import Assessment
from gcmhub.progress.services import parse_method


def linked_assessments(commitment: Commitment, method: str | None = None) -> QuerySet:
    series_ids = commitment.indicator_links.values_list("series_id", flat=True)
    return (
        Assessment.objects.headline()
        .for_method(parse_method(method))
        .filter(area_id=commitment.area_id, series_id__in=list(series_ids))
        .select_related("series__indicator", "area")
        .order_by("series__code")
    )
