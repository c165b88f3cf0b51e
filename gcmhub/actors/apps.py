from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "gcmhub.actors"
    label = "actors"
    verbose_name = _("Actors and roles")

    def ready(self) -> None:
        from gcmhub import references
        from gcmhub.actors.models import Organization
        from gcmhub.actors.services import visible_organizations

        from . import search, token_use

        # Unpublished organisations are private to their scope, also where
        # another record refers to them (a parent, an account's organisation).
        references.register(Organization, visible_organizations, "actors.view_organization")
        token_use.connect()
        search.register()
