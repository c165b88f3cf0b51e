from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gcmhub.reports"
    label = "reports"
    verbose_name = _("Review reports")

    def ready(self) -> None:
        from gcmhub import workers
        from gcmhub.reports import services

        # A run whose worker died is marked failed rather than left "running".
        workers.register_chore(services.fail_stale_runs)
