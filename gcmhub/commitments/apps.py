from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "gcmhub.commitments"
    label = "commitments"
    verbose_name = _("Commitments and pledges")

    def ready(self) -> None:
        from gcmhub import references
        from gcmhub.commitments.models import Commitment
        from gcmhub.commitments.services import visible_commitments

        # A matching pledge names the pledge it matches only if its writer may read that one.
        references.register(Commitment, visible_commitments, "commitments.view_commitment")

        from gcmhub.commitments import search, sections

        sections.register()
        search.register()

        # The country page links to the coordination page (cm-coord).
        from gcmhub.commitments import coordination_views

        coordination_views.register_country_section()
