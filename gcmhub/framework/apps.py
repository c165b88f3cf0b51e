from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworkConfig(AppConfig):
    name = "gcmhub.framework"
    label = "framework"
    verbose_name = _("The Compact")

    def ready(self) -> None:
        from . import search

        search.register()
