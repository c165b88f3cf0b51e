from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "gcmhub.practices"
    label = "practices"
    verbose_name = _("Good practices and documents")

    def ready(self):
        from gcmhub.practices.search import indexing, provider

        indexing.connect_signals()
        provider.register()
