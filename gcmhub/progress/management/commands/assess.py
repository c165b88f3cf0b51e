"""``gcmhub assess [--area ISO3] [--indicator CODE] [--series CODE] [--method M]``:
recompute the stored progress assessments now.

The same ``services.recompute`` the background task runs: one query for the
observations, one vectorised assessment per method, bulk writes of what
changed only (a second run on the same data writes nothing). Use it after
changing ``progress/defaults.py``, after deleting observations, or to
rebuild everything.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gcmhub.errors import GcmHubError
from gcmhub.progress import defaults, services

USAGE_ERROR = 2
STAGES = {"load": 0, "assess": 1, "write": 2}


class Command(BaseCommand):
    help = "Recompute stored progress assessments: gcmhub assess [--area ISO3] [--indicator CODE] [--method M]."

    def add_arguments(self, parser):
        parser.add_argument("--area", metavar="ISO3", help="Only this area (ISO alpha-3 or M49 code).")
        parser.add_argument("--indicator", metavar="CODE", help="Only the series of this indicator (e.g. 10.c.1).")
        parser.add_argument("--series", metavar="CODE", help="Only this series (e.g. SI_RMT_COST).")
        parser.add_argument(
            "--method", choices=defaults.STORED_METHODS, help="Only this method (default: all stored methods)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        bar = None if options["no_progress"] else _Bar(self.stderr)
        try:
            with bar or _Nothing():
                result = services.recompute(
                    area=options["area"],
                    indicator=options["indicator"],
                    series=options["series"],
                    method=options["method"],
                    progress=bar.update if bar else None,
                )
        except GcmHubError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None
        self._summary(result)

    def _summary(self, result: services.RecomputeResult) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=_("Progress assessments"), show_header=False)
        table.add_column(_("what"))
        table.add_column(_("count"), justify="right")
        table.add_row(_("methods"), ", ".join(result.methods))
        rows = [
            (_("observations read"), result.observations),
            (_("series × areas × disaggregations"), result.series),
            (_("created"), result.created),
            (_("updated"), result.updated),
            (_("unchanged"), result.unchanged),
            (_("deleted (no data any more)"), result.deleted),
            (_("target timelines refreshed"), result.timelines),
        ]
        for label, count in rows:
            table.add_row(label, f"{count:,}")
        for status, count in sorted(result.by_status.items()):
            table.add_row(f"  {status}", f"{count:,}")
        table.add_row(_("seconds"), f"{result.seconds:.2f}")
        Console(file=self.stdout, width=100, force_terminal=False, no_color=True).print(table)


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Bar:
    """A rich progress bar over the three stages: load, assess (per method), write."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        out = getattr(self.stream, "_out", self.stream)
        console = Console(file=out, stderr=out is sys.stderr)
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=not console.is_terminal,
        )  # fmt: skip
        self.progress.__enter__()
        self.labels = {"load": _("reading observations"), "assess": _("assessing"), "write": _("writing")}
        self.task = self.progress.add_task(self.labels["load"], total=1)
        return self

    def update(self, stage: str, done: int, total: int) -> None:
        self.progress.update(self.task, description=self.labels.get(stage, stage), completed=done, total=max(total, 1))

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)
