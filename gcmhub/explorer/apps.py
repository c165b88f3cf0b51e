from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExplorerConfig(AppConfig):
    name = "gcmhub.explorer"
    label = "explorer"
    verbose_name = _("Migration data explorer")

    def ready(self) -> None:
        from . import sections, signals

        signals.connect()
        sections.register()
