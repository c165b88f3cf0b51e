"""``gcmhub import FORMAT PATH``: load indicator data from an official format.

Runs as the system operator through ``services.run_import``: the same
validation, the same all-or-nothing transaction. A bad file exits with
status 2 and its report (file, line, column, reason) on standard error;
nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.errors import GcmHubError
from gcmhub.indicators import services
from gcmhub.indicators.loader import ImportRejected, ImportResult

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Import indicator data: gcmhub import FORMAT PATH [--source NAME] [--dry-run] [--skip-invalid]."

    def add_arguments(self, parser):
        parser.add_argument("format", metavar="FORMAT", help=f"One of: {', '.join(services.FORMATS)}.")
        parser.add_argument("path", metavar="PATH", help="The file (or an Open SDG data folder).")
        parser.add_argument("--source", help="Who published the data, stored with every observation.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count, write nothing.")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows; list the others in --rejects."
        )
        parser.add_argument(
            "--rejects", metavar="FILE", help="CSV of rejected rows and reasons (default with --skip-invalid: "
            "PATH.rejects.csv)."
        )  # fmt: skip
        parser.add_argument("--area", metavar="ISO3", help="The country of a file that has no area column.")
        parser.add_argument(
            "--mapping", metavar="FILE", help="tidy: the column mapping (default: PATH's .mapping.yml beside it)."
        )
        parser.add_argument(
            "--create-series", action="store_true",
            help="opensdg: create a new series for rows that are no SDG series and none of the catalogue's "
            "(listed in the report); without it such rows are refused.",
        )  # fmt: skip
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        rejects = options["rejects"]
        if options["skip_invalid"] and not rejects:
            rejects = str(path.with_name(path.name + ".rejects.csv"))
        reader_options = {}
        if options["mapping"]:
            reader_options["mapping"] = options["mapping"]
        progress = None if options["no_progress"] else _Progress(self.stderr, path)
        try:
            with progress or _Nothing():
                result = services.run_import(
                    None,
                    options["format"],
                    path,
                    source=options["source"],
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    rejects_path=rejects,
                    area=options["area"],
                    options=reader_options,
                    progress_callback=progress.update if progress else None,
                    create_series=options["create_series"],
                )
        except ImportRejected as error:
            # The problems once, in full; then a summary that does not repeat them.
            self.stderr.write(services.problems_text(error.problems, error.problem_count))
            refused = ngettext(
                "The import was refused: %(count)d problem, nothing was written.",
                "The import was refused: %(count)d problems, nothing was written.",
                error.problem_count,
            ) % {"count": error.problem_count}
            raise CommandError(refused, returncode=USAGE_ERROR) from None
        except GcmHubError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None
        self._summary(result, options["dry_run"])

    def _summary(self, result: ImportResult, dry_run: bool) -> None:
        from rich.console import Console
        from rich.table import Table

        title = _("Dry run of %(file)s: nothing was written") if dry_run else _("Imported %(file)s")
        table = Table(title=title % {"file": result.file_name}, show_header=False)
        table.add_column(_("what"))
        table.add_column(_("count"), justify="right")
        if dry_run:  # what the import would do: a dry run writes nothing
            planned = [(_("would be created"), result.created),
                       (_("would be updated (old values kept in history)"), result.updated)]  # fmt: skip
        else:
            planned = [(_("created"), result.created), (_("updated (old values kept in history)"), result.updated)]
        rows = [
            (_("rows read"), result.rows_read),
            *planned,
            (_("unchanged"), result.unchanged),
            (_("identical repeats ignored"), result.duplicates),
            (_("rows without a value (not stored)"), result.missing),
            (_("rejected"), result.rejected),
            (_("series"), result.series),
            (_("areas"), result.areas),
        ]
        for label, count in rows:
            table.add_row(label, f"{count:,}")
        table.add_row(_("seconds"), f"{result.seconds:.2f}")
        console = Console(file=self.stdout, width=100, force_terminal=False, no_color=True)
        console.print(table)
        if result.same_as_batch:
            self.stdout.write(
                _("Unchanged file: it is identical to import #%(id)s (same checksum and options) and no import has "
                  "written its series since, so there was nothing to do. The counts are those of that import.")
                % {"id": result.same_as_batch}
            )  # fmt: skip
        if result.missing_lines:
            more = " …" if result.missing > len(result.missing_lines) else ""
            self.stdout.write(
                _("Rows without a value, not stored: lines %(lines)s")
                % {"lines": ", ".join(str(line) for line in result.missing_lines) + more}
            )
        for reason, count in sorted(result.skipped_by_reader.items()):
            self.stdout.write(_("Left out by the reader (%(reason)s): %(count)d") % {"reason": reason, "count": count})
        if result.series_created:
            label = _("New series (would be created): %(codes)s") if dry_run else _("New series: %(codes)s")
            self.stdout.write(label % {"codes": ", ".join(result.series_created)})
        if result.codes_created:
            self.stdout.write(_("New dimension codes: %(count)d") % {"count": len(result.codes_created)})
        if result.batch_id:
            self.stdout.write(_("Import batch #%(id)d.") % {"id": result.batch_id})
        if result.rejected and result.rejects_path:
            self.stdout.write(_("Rejected rows and reasons: %(path)s") % {"path": result.rejects_path})


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Progress:
    """A rich progress bar over the rows of the file (counted up front for text files)."""

    def __init__(self, stream, path: Path):
        self.stream = stream
        self.total = _count_lines(path)

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        out = getattr(self.stream, "_out", self.stream)
        console = Console(file=out, stderr=out is sys.stderr)
        self.progress = Progress(
            TextColumn(_("importing")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=not console.is_terminal,
        )  # fmt: skip
        self.progress.__enter__()
        self.task = self.progress.add_task("import", total=self.total)
        return self

    def update(self, result: ImportResult) -> None:
        self.progress.update(self.task, completed=result.rows_read)

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)


def _count_lines(path: Path) -> int | None:
    """Data rows of a CSV-like file (lines minus the header); None for others."""
    if not path.is_file() or path.suffix.lower() not in {".csv", ".txt", ".tsv"}:
        return None
    lines = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(lines - 1, 0)
