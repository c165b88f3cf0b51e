from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "gcmhub.reviews"
    label = "reviews"
    verbose_name = _("Reviews and self-assessments")

    def ready(self) -> None:
        from gcmhub import references
        from gcmhub.reviews.models import Review
        from gcmhub.reviews.services import visible_reviews

        from . import search, sections

        sections.register()
        search.register()
        # Draft reviews are private, also where another record refers to them.
        references.register(Review, visible_reviews, "reviews.view_review")
