from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gcmhub.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self):
        from gcmhub import dataversion

        dataversion.connect_signals()
