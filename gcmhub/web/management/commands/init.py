"""`gcmhub init`: bring a database up to date and load the reference data.

Safe to run any number of times: migrations are incremental and every loader
is idempotent, so this is also how a deployment picks up new framework data.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gcmhub.framework.loader import load_framework
from gcmhub.geo.loader import load_areas
from gcmhub.protection.taxonomy import sync_situations


class Command(BaseCommand):
    help = "Create or update the database, then load or refresh the Compact and the UN M49 areas."

    def add_arguments(self, parser):
        parser.add_argument("--no-static", action="store_true", help="Skip collecting static files.")

    def handle(self, *args, no_static=False, **options):
        verbosity = options["verbosity"]
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        self.report("Areas", load_areas())
        self.report("Framework", load_framework())
        # Also done after every migrate (protection's post_migrate); idempotent.
        self.report("Situations of vulnerability", sync_situations())
        if not no_static:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("GCM Hub is initialised."))

    def report(self, what: str, summary) -> None:
        """Print a loader's counts: a flat dict, or one per table (``.tables``)."""
        tables = getattr(summary, "tables", None) or {what: summary}
        for name, counts in tables.items():
            values = counts if isinstance(counts, dict) else vars(counts)
            details = ", ".join(f"{value} {key}" for key, value in values.items())
            self.stdout.write(f"{name}: {details}")
