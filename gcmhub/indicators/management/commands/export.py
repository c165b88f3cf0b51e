"""``gcmhub export FORMAT -o FILE``: write indicator data out.

FORMAT is csv, opensdg, sdmx-csv, xlsx or json; ``--series``,
``--indicator`` and ``--area`` narrow the export. ``-o -`` writes text
formats to standard output. A ``csv`` export to a file also writes
``FILE.mapping.yml``, with which ``gcmhub import tidy FILE`` reads it back;
an ``opensdg`` one the metadata the CSV leaves out (``meta_<id>.yml``).
``--sdmx-csv-version 1`` writes SDMX-CSV 1.0 instead of 2.0;
``--opensdg-attributes columns`` keeps NATURE and SOURCE_DETAIL as columns.
What the user must know (series outside the SDG DSD, attributes left out)
is printed on standard error.
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
        parser.add_argument(
            "--sdmx-csv-version", type=int, choices=(2, 1), default=2,
            help="sdmx-csv: SDMX-CSV 2.0 (the default) or 1.0.",
        )  # fmt: skip
        parser.add_argument(
            "--opensdg-attributes", choices=("metadata", "columns"), default="metadata",
            help="opensdg: put the source and nature in the metadata file beside the CSV (the default, which "
            "Open SDG's default options read correctly) or in NATURE and SOURCE_DETAIL columns.",
        )  # fmt: skip

    def handle(self, *args, **options):
        fmt, output = options["format"], options["output"]
        if output == "-" and fmt == "xlsx":
            raise CommandError(_("XLSX cannot be written to standard output; give a file name."), returncode=2)
        chosen = {"series": options["series"], "area": options["area"], "indicator": options["indicator"]}
        if output != "-":
            _check_writable(output)
        try:
            count = services.export_observations(
                fmt,
                self.stdout._out if output == "-" else output,
                sdmx_csv_version=options["sdmx_csv_version"],
                opensdg_attributes=options["opensdg_attributes"],
                **chosen,
            )
            notices = services.export_notices(
                fmt, opensdg_attributes=options["opensdg_attributes"], to_file=output != "-", **chosen
            )
        except GcmHubError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None
        except OSError as error:  # disk full, permission lost while writing …
            raise CommandError(_cannot_write(output, error.strerror or str(error)), returncode=USAGE_ERROR) from None
        for notice in notices:
            self.stderr.write(notice)
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
