"""``gcmhub reviews report --area ISO3 --review ID --kind KIND --format FORMAT -o FILE``.

Builds the report in this process (with a progress bar on a terminal)
through the same service the background task runs, records the run like
the web and the API do, and writes the file to FILE (``-``: standard
output). ``--language`` chooses en (default), fr or es; ``--as USERNAME``
acts as that account (its permissions apply), otherwise the command acts
as the system operator. Without ``--review`` the area's latest review is used.
"""

from __future__ import annotations

import shutil
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

USAGE_ERROR = 2
KINDS = ("vgr", "regional", "vnr", "10.7.2")
FORMATS = ("pdf", "docx", "html")


class Command(BaseCommand):
    help = "Reviews: report --area ISO3 --review ID --kind vgr|regional|vnr|10.7.2 --format pdf|docx|html -o FILE."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        report = subcommands.add_parser("report", help="Produce a review report (PDF, DOCX or HTML).")
        report.add_argument("--area", required=True, metavar="ISO3", help="The review's country (ISO3) or region (M49).")
        report.add_argument("--review", type=int, metavar="ID", help="The review; default: the area's latest.")
        report.add_argument("--kind", required=True, choices=KINDS)
        report.add_argument("--format", choices=FORMATS, help="Default: from FILE's suffix.")
        report.add_argument("--language", choices=("en", "fr", "es"), default="en")
        report.add_argument("-o", "--output", required=True, metavar="FILE", help="Where to write ('-': stdout).")
        report.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="Act as this account (its permissions apply); default: the system operator.",
        )  # fmt: skip

    def handle(self, *args, **options):
        if options["subcommand"] == "report":
            self._report(options)

    def _report(self, options):
        from gcmhub.errors import GcmHubError
        from gcmhub.reports import services
        from gcmhub.reports.models import ReportRun

        output = options["output"]
        fmt = options["format"] or _format_from(output)
        area = _area(options["area"])
        review = _review(area, options["review"])
        actor = _user(options["as_user"])
        try:
            run = services.request_report(actor, review, options["kind"], fmt, options["language"], enqueue=False)
        except GcmHubError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from error
        with _Progress(self.stderr) as bar:
            run = services.run_report(run.pk, progress=bar.update)
        if run.state != ReportRun.State.DONE:
            raise CommandError(run.message)
        path = services.files_root() / run.file_path
        if output == "-":
            with path.open("rb") as source:
                shutil.copyfileobj(source, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            shutil.copyfile(path, output)
        self.stderr.write(
            _("Wrote the %(kind)s report of review %(review)s (%(format)s, %(language)s, %(size)s bytes) to %(file)s.")
            % {
                "kind": run.kind,
                "review": review.pk,
                "format": run.format,
                "language": run.language,
                "size": run.size,
                "file": output,
            }
        )


def _format_from(output: str) -> str:
    suffix = output.rsplit(".", 1)[-1].lower() if "." in output else ""
    if suffix in FORMATS:
        return suffix
    if suffix == "htm":
        return "html"
    raise CommandError(_("Give --format: pdf, docx or html."), returncode=USAGE_ERROR)


def _area(code: str):
    from gcmhub.geo.models import Area

    code = code.strip().upper()
    area = Area.objects.filter(iso3=code).first() if len(code) == 3 and code.isalpha() else None
    if area is None:
        area = Area.objects.filter(m49=code.zfill(3)).first() if code.isdigit() else None
    if area is None:
        raise CommandError(_("No country or area with the code “%(code)s”.") % {"code": code}, returncode=USAGE_ERROR)
    return area


def _review(area, review_id: int | None):
    from gcmhub.reviews.models import Review

    reviews = Review.objects.filter(area=area).select_related("area")
    review = reviews.filter(pk=review_id).first() if review_id else reviews.order_by("-created_at", "-pk").first()
    if review is None:
        if review_id:
            message = _("No review %(id)s for %(area)s.") % {"id": review_id, "area": area.name_en}
        else:
            message = _("%(area)s has no review yet: create one first (POST /api/v1/reviews).") % {"area": area.name_en}
        raise CommandError(message, returncode=USAGE_ERROR)
    return review


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account named “%(name)s”.") % {"name": username}, returncode=USAGE_ERROR)
    return user


class _Progress:
    """A rich progress bar fed by the run's progress (0–100 and a message)."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        out = getattr(self.stream, "_out", self.stream)
        console = Console(file=out, stderr=out is sys.stderr)
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
            console=console, transient=True, disable=not console.is_terminal,
        )  # fmt: skip
        self.progress.__enter__()
        self.task = self.progress.add_task(_("building the report"), total=100)
        return self

    def update(self, percent: int, message: str) -> None:
        fields = {"completed": percent}
        if message:
            fields["description"] = message[:60]
        self.progress.update(self.task, **fields)

    def __exit__(self, *exc):
        return self.progress.__exit__(*exc)
