"""``gcmhub manage resolve_names``: check area names before an import.

Prints the area each name resolves to, and for the others why not and the
candidates; exits with an error if any name is unknown or ambiguous.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gcmhub.geo.models import Area
from gcmhub.geo.resolver import resolve_many


class Command(BaseCommand):
    help = _("Show which area each name or code designates, as importers will see it.")

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=_("Names or codes to resolve."))
        parser.add_argument("--file", help=_("A text file with one name per line."))
        parser.add_argument("--kind", choices=Area.Kind.values, help=_("Accept only areas of this kind."))

    def handle(self, *args, names, file=None, kind=None, **options):
        if file:
            with open(file, encoding="utf-8-sig") as handle:
                names = [*names, *(line.strip() for line in handle if line.strip())]
        if not names:
            raise CommandError(_("Give names as arguments or with --file."))
        mapping, problems = resolve_many(names, kind=kind)
        for name, area in mapping.items():
            self.stdout.write(f"{name}\t{area.iso3 or '-'}\t{area.m49}\t{area.name_en}")
        for problem in problems:
            self.stderr.write(problem.message)
        if problems:
            total = len(mapping) + len(problems)
            message = _("%(count)d of %(total)d names did not resolve.")
            raise CommandError(message % {"count": len(problems), "total": total})
