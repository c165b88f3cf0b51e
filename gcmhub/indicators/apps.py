from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "gcmhub.indicators"
    label = "indicators"
    verbose_name = _("Indicator data")

    def ready(self) -> None:
        from django.conf import settings

        from gcmhub import workers

        from . import home, official_titles, search, sections, services
        from .formats import limits

        sections.register()
        search.register()
        home.register()
        official_titles.connect()
        workers.register_chore(services.recover_interrupted_imports)
        workers.register_chore(services.cleanup_uploads)
        limits.configure(limits.Limits.from_mapping(getattr(settings, "GCMHUB_IMPORT_LIMITS", None)))
