"""``gcmhub manage load_areas``: load or refresh every M49 area."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gcmhub.geo.loader import load_areas


class Command(BaseCommand):
    help = _("Load or refresh every UN M49 area from the bundled reference data (safe to run again).")

    def handle(self, *args, **options):
        counts = load_areas()
        self.stdout.write(
            _("Areas: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % counts
        )
        if counts["not_in_source"]:
            self.stdout.write(
                _("Areas no longer in the sources, kept in the database: %(not_in_source)d.") % counts
            )
