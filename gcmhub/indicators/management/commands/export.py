"""``gcmhub export FORMAT -o FILE``: write indicator data out.

FORMAT is csv, opensdg, sdmx-csv, xlsx or json; ``--series``,
``--indicator`` and ``--area`` narrow the export. ``-o -`` writes text
formats to standard output. A ``csv`` export to a file also writes
``FILE.mapping.yml``, with which ``gcmhub import tidy FILE`` reads it back.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gcmhub.errors import GcmHubError
from gcmhub.indicators import services
from gcmhub.indicators.exporters import EXPORT_FORMATS

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Export indicator data: gcmhub export FORMAT [--series CODE] [--area ISO3] -o FILE."

    def add_arguments(self, parser):
        parser.add_argument("format", metavar="FORMAT", help=f"One of: {', '.join(EXPORT_FORMATS)}.")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="Where to write ('-': stdout).")
        parser.add_argument("--series", metavar="CODE", help="Only this series (e.g. SI_RMT_COST).")
        parser.add_argument("--indicator", metavar="CODE", help="Only the series of this indicator (e.g. 10.c.1).")
        parser.add_argument("--area", metavar="ISO3", help="Only this area (ISO3 or M49 code).")

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        if output == "-" and fmt == "xlsx":
            raise CommandError(_("XLSX cannot be written to standard output; give a file name."), returncode=2)
        if output != "-":
            _check_writable(output)
        try:
            count = services.export_observations(
                fmt,
                self.stdout._out if output == "-" else output,
                series=options["series"],
                area=options["area"],
                indicator=options["indicator"],
            )
        except GcmHubError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None
        except OSError as error:  # disk full, permission lost while writing …
            raise CommandError(_cannot_write(output, error.strerror or str(error)), returncode=USAGE_ERROR) from None
        if output != "-":
            self.stderr.write(_("Exported %(count)d observations to %(file)s.") % {"count": count, "file": output})


def _cannot_write(output: str, reason: str) -> str:
    return _("Cannot write “%(file)s”: %(reason)s.") % {"file": output, "reason": reason}


def _check_writable(output: str) -> None:
    """Refuse before reading the database when the file cannot be created."""
    folder = Path(output).absolute().parent
    if not folder.is_dir():
        raise CommandError(_cannot_write(output, _("the folder %(folder)s does not exist") % {"folder": folder}),
                           returncode=USAGE_ERROR)  # fmt: skip
    if Path(output).is_dir():
        raise CommandError(_cannot_write(output, _("it is a folder")), returncode=USAGE_ERROR)
