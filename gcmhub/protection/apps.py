from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_situations(sender, using="default", **kwargs):
    """Every migrated database (``gcmhub init``, the test database) gets the
    situations of the taxonomy; ``sync_situations`` is idempotent."""
    from django.db import connections

    from .models import Situation
    from .taxonomy import sync_situations

    if Situation._meta.db_table not in connections[using].introspection.table_names():
        return
    sync_situations()


class ProtectionConfig(AppConfig):
    name = "gcmhub.protection"
    label = "protection"
    verbose_name = _("Protection and services")

    def ready(self):
        from gcmhub import references

        from .models import Service
        from .services import visible_services

        # A reference to a service (a referral step, a link) obeys the reader's read rules.
        references.register(Service, visible_services, "protection.view_service")
        post_migrate.connect(_sync_situations, sender=self, dispatch_uid="protection_sync_situations")

        from gcmhub import workers

        from . import imports, sections

        sections.register()
        workers.register_chore(imports.recover_interrupted_imports)
