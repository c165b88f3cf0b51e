from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "gcmhub.web"
    label = "web"
    verbose_name = "Web shell"
