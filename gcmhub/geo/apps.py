from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "gcmhub.geo"
    label = "geo"
    verbose_name = _("Areas")

    def ready(self) -> None:
        from . import search

        search.register()
