"""``gcmhub commitments import|export|template|remind``.

* ``import FILE [--dry-run] [--as USERNAME]``: the CSV/XLSX template, all or
  nothing; a refused file exits with status 2 and one line per problem
  (``file:line: column: reason``) on standard error.
* ``export -o FILE [--area ISO3] [--format csv|xlsx|json] [--as USERNAME]``:
  the commitments the reader may see — the public (published records) unless
  ``--as`` names an account.
* ``template -o FILE [--format csv|xlsx]``: the empty import template.
* ``remind [--dry-run] [--user USERNAME] [--today DATE]``: e-mail each user
  what waits in their inbox.

Every subcommand goes through the same services and permission rules as the
web pages and the API; ``--as`` makes the command act as that account.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.commitments import tabular

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Commitments: import FILE [--dry-run], export -o FILE, template -o FILE, remind."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        importing = subcommands.add_parser("import", help="Import commitments from the CSV/XLSX template.")
        importing.add_argument("file", metavar="FILE", type=Path)
        importing.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")
        importing.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="Act as this account (its permissions apply); default: the system operator.",
        )  # fmt: skip

        exporting = subcommands.add_parser("export", help="Export commitments as CSV, XLSX or JSON.")
        exporting.add_argument("-o", "--output", required=True, metavar="FILE", help="Where to write ('-': stdout).")
        exporting.add_argument("--area", metavar="ISO3", help="Only this country or area.")
        exporting.add_argument("--format", choices=tabular.FORMATS, help="Default: from FILE's suffix, else csv.")
        exporting.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="Export what this account may read; default: what the public reads (published records).",
        )  # fmt: skip

        template = subcommands.add_parser("template", help="Write the empty import template.")
        template.add_argument("-o", "--output", required=True, metavar="FILE")
        template.add_argument("--format", choices=("csv", "xlsx"), help="Default: from FILE's suffix, else csv.")

        remind = subcommands.add_parser("remind", help="E-mail every user what waits in their inbox.")
        remind.add_argument("--dry-run", action="store_true", help="List who would get what; send nothing.")
        remind.add_argument("--user", action="append", metavar="USERNAME", help="Only this account (repeatable).")
        remind.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="Count flags as of this day.")

    def handle(self, *args, **options):
        handler = {
            "import": self._import, "export": self._export, "template": self._template, "remind": self._remind,
        }[options["subcommand"]]  # fmt: skip
        handler(options)

    # --- import -------------------------------------------------------------------

    def _import(self, options):
        from gcmhub.commitments.importer import ImportRefused, import_commitments

        actor = _user(options["as_user"])
        path = options["file"]
        try:
            report = import_commitments(actor, path, dry_run=options["dry_run"], shown_name=str(path))
        except ImportRefused as refused:
            for problem in refused.report.problems:
                self.stderr.write(str(problem))
            count = len(refused.report.problems)
            message = ngettext(
                "The import was refused: %(count)d problem, nothing was written.",
                "The import was refused: %(count)d problems, nothing was written.",
                count,
            ) % {"count": count}
            raise CommandError(message, returncode=USAGE_ERROR) from None
        if report.dry_run:
            self.stdout.write(
                _("Dry run of %(file)s: %(rows)d rows are valid and would be created as drafts; nothing was written.")
                % {"file": report.file, "rows": report.rows}
            )
        else:
            ids = ", ".join(str(pk) for pk in report.created[:20]) + (" …" if len(report.created) > 20 else "")
            self.stdout.write(
                _("Imported %(file)s: %(count)d commitments created as drafts (ids %(ids)s).")
                % {"file": report.file, "count": len(report.created), "ids": ids}
            )

    # --- export -------------------------------------------------------------------

    def _export(self, options):
        from gcmhub.commitments.services import visible_commitments

        output = options["output"]
        fmt = options["format"] or _format_from(output, tabular.FORMATS)
        if output == "-" and fmt == "xlsx":
            raise CommandError(_("XLSX cannot be written to standard output; give a file name."), returncode=2)
        reader = _user(options["as_user"]) or AnonymousUser()
        commitments = visible_commitments(reader)
        if options["area"]:
            commitments = commitments.filter(area=_area(options["area"]))
        rows = tabular.prefetch(commitments.order_by("area__iso3", "pk"))
        if output == "-":
            count = tabular.write_commitments(rows.iterator(chunk_size=500), fmt, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            _check_writable(output)
            with open(output, "wb") as stream:
                count = tabular.write_commitments(rows.iterator(chunk_size=500), fmt, stream)
        whose = options["as_user"] or _("the public: published records only")
        self.stderr.write(
            _("Exported %(count)d commitments (as read by %(reader)s) to %(file)s.")
            % {"count": count, "reader": whose, "file": output}
        )

    def _template(self, options):
        output = options["output"]
        fmt = options["format"] or _format_from(output, ("csv", "xlsx"))
        _check_writable(output)
        with open(output, "wb") as stream:
            tabular.write_template(fmt, stream)
        self.stderr.write(_("Wrote the import template to %(file)s.") % {"file": output})

    # --- remind -------------------------------------------------------------------

    def _remind(self, options):
        from gcmhub.commitments.reminders import reminders, send_reminders

        usernames = options["user"]
        if usernames:
            known = set(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
            unknown = sorted(set(usernames) - known)
            if unknown:
                raise CommandError(_("No account named %(names)s.") % {"names": ", ".join(unknown)}, returncode=2)
        if options["dry_run"]:
            found = reminders(options["today"], usernames)
            for reminder in found:
                self.stdout.write(f"{reminder.username} <{reminder.email}>: {reminder.items}")
            self.stderr.write(
                _("Dry run: %(count)d users would get a reminder; nothing was sent.") % {"count": len(found)}
            )
            return
        sent = send_reminders(options["today"], usernames)
        self.stderr.write(_("Sent %(count)d reminders.") % {"count": len(sent)})


def _date(value: str) -> datetime.date:
    import argparse

    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date written YYYY-MM-DD") from None


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active account named “%(name)s”.") % {"name": username}, returncode=USAGE_ERROR)
    return user


def _area(code: str):
    from django.db.models import Q

    from gcmhub.geo.models import Area

    area = Area.objects.filter(Q(iso3=code.upper()) | Q(m49=code)).first()
    if area is None:
        raise CommandError(_("There is no country or area with the code “%(code)s”.") % {"code": code}, returncode=2)
    return area


def _format_from(output: str, formats) -> str:
    suffix = Path(output).suffix.lower().lstrip(".")
    return suffix if suffix in formats else "csv"


def _check_writable(output: str) -> None:
    folder = Path(output).absolute().parent
    if not folder.is_dir():
        raise CommandError(
            _("Cannot write “%(file)s”: the folder %(folder)s does not exist.") % {"file": output, "folder": folder},
            returncode=USAGE_ERROR,
        )
    if Path(output).is_dir():
        raise CommandError(_("Cannot write “%(file)s”: it is a folder.") % {"file": output}, returncode=USAGE_ERROR)
