from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActorsConfig(AppConfig):
    name = "gcmhub.actors"
    label = "actors"
    verbose_name = _("Actors and roles")

    def ready(self) -> None:
        from . import search

        search.register()
