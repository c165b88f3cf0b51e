from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "gcmhub.progress"
    label = "progress"
    verbose_name = _("Progress assessment")

    def ready(self) -> None:
        from . import home, panels, sections, signals

        signals.connect()
        sections.register()
        home.register()
        panels.register()
