from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "gcmhub.indicators"
    label = "indicators"
    verbose_name = _("Indicator data")

    def ready(self) -> None:
        from . import home, search, sections

        sections.register()
        search.register()
        home.register()
