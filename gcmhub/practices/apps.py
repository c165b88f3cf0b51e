from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "gcmhub.practices"
    label = "practices"
    verbose_name = _("Good practices and documents")

    def ready(self) -> None:
        from gcmhub import references
        from gcmhub.practices.library import visible_documents
        from gcmhub.practices.models import Document, Practice
        from gcmhub.practices.search import indexing, provider
        from gcmhub.practices.services import visible_practices

        from . import sections

        # Drafts are private, also where another record refers to them.
        references.register(Practice, visible_practices, "practices.view_practice")
        references.register(Document, visible_documents, "practices.view_document")
        sections.register()
        indexing.connect_signals()
        provider.register()
