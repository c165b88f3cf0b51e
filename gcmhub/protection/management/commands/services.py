"""``gcmhub services import|export|remind``: the service directory at the command line.

* ``import FILE [--dry-run] [--area ISO3] [--type CODE] [--draft] [--as USERNAME]``:
  HSDS 3.0 JSON, or its tabular CSV package as a ``.zip`` or a directory; all
  or nothing. A refused import exits with status 2 and one line per problem
  (``file:line N: field: reason``) on standard error; warnings (details not
  kept) go to standard error too.
* ``export --format hsds-json|hsds-csv -o FILE [--area ISO3] [--as USERNAME]``:
  what the reader may see (the public: active published services) in HSDS
  3.0, as JSON or as the zipped tabular package.
* ``remind [--dry-run] [--user USERNAME] [--today DATE]``: e-mail the
  provider's members and the focal point about services not verified for six
  months (the commitments' reminder mechanism).

Every subcommand goes through the same services and permission rules as the
web pages and the API; ``--as`` makes the command act as that account, else
it acts as the system operator.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gcmhub.commitments.management.commands.commitments import _check_writable, _date, _user

USAGE_ERROR = 2
FORMATS = ("hsds-json", "hsds-csv")


class Command(BaseCommand):
    help = "Service directory: import FILE, export --format hsds-json|hsds-csv -o FILE, remind."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        importing = subcommands.add_parser("import", help="Import services from HSDS JSON or its CSV package.")
        importing.add_argument("file", metavar="FILE", type=Path, help="A .json file, a .zip package or a folder.")
        importing.add_argument("--dry-run", action="store_true", help="Check everything; write nothing.")
        importing.add_argument("--area", metavar="ISO3", help="The country of the services (default: addresses).")
        importing.add_argument("--type", dest="default_type", default="other", metavar="CODE",
                               help="Service type for services without one of our taxonomy terms (default: other).")
        importing.add_argument("--draft", action="store_true", help="Keep the services as drafts for review.")
        importing.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="Act as this account (its permissions apply); default: the system operator.",
        )  # fmt: skip

        exporting = subcommands.add_parser("export", help="Export the directory in HSDS 3.0.")
        exporting.add_argument("--format", choices=FORMATS, default=None, help="Default: from FILE's suffix.")
        exporting.add_argument("-o", "--output", required=True, metavar="FILE", help="Where to write ('-': stdout).")
        exporting.add_argument("--area", metavar="ISO3", help="Only this country.")
        exporting.add_argument(
            "--as", dest="as_user", metavar="USERNAME",
            help="Export what this account may read; default: what the public reads.",
        )  # fmt: skip

        remind = subcommands.add_parser("remind", help="E-mail about services not verified for six months.")
        remind.add_argument("--dry-run", action="store_true", help="List who would get what; send nothing.")
        remind.add_argument("--user", action="append", metavar="USERNAME", help="Only this account (repeatable).")
        remind.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="Count staleness as of this day.")

    def handle(self, *args, **options):
        {"import": self._import, "export": self._export, "remind": self._remind}[options["subcommand"]](options)

    def _import(self, options):
        from gcmhub.protection.hsds_import import ImportRefused, import_services

        actor = _user(options["as_user"])
        try:
            report = import_services(
                actor, options["file"], area=options["area"], dry_run=options["dry_run"],
                publish=False if options["draft"] else None, default_type=options["default_type"],
            )  # fmt: skip
        except ImportRefused as refused:
            for problem in refused.report.problems:
                self.stderr.write(str(problem))
            count = len(refused.report.problems)
            raise CommandError(
                ngettext(
                    "The import was refused: %(count)d problem, nothing was written.",
                    "The import was refused: %(count)d problems, nothing was written.",
                    count,
                ) % {"count": count},
                returncode=USAGE_ERROR,
            ) from None
        for warning in report.warnings:
            self.stderr.write(_("warning: %(warning)s") % {"warning": warning})
        if report.dry_run:
            self.stdout.write(
                _("Dry run of %(file)s: %(count)d services are valid; nothing was written.")
                % {"file": report.file, "count": report.services}
            )
            return
        self.stdout.write(
            _("Imported %(file)s: %(created)d services created, %(updated)d updated, %(held)d changes held "
              "for review, %(orgs)d organisations created.")
            % {"file": report.file, "created": len(report.created), "updated": len(report.updated),
               "held": len(report.held), "orgs": len(report.organizations_created)}
        )  # fmt: skip

    def _export(self, options):
        from gcmhub.protection import hsds, services

        output = options["output"]
        fmt = options["format"] or ("hsds-csv" if output.lower().endswith(".zip") else "hsds-json")
        if output == "-" and fmt == "hsds-csv":
            raise CommandError(_("The CSV package is a zip: give a file name."), returncode=USAGE_ERROR)
        reader = _user(options["as_user"]) or AnonymousUser()
        try:
            found = services.filter_services(services.visible_services(reader), area=options["area"])
        except services.InvalidService as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None
        if fmt == "hsds-json":
            document = hsds.export_json(found)
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
            count = document["total_items"]
            if output == "-":
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                _check_writable(output)
                Path(output).write_text(text, encoding="utf-8")
        else:
            _check_writable(output)
            with open(output, "wb") as stream:
                count = hsds.write_package(found, stream)
        whose = options["as_user"] or _("the public: active published services")
        self.stderr.write(
            _("Exported %(count)d services (as read by %(reader)s) to %(file)s.")
            % {"count": count, "reader": whose, "file": output}
        )

    def _remind(self, options):
        from gcmhub.protection.reminders import interval_days, recent_reminders, reminders, send_reminders

        usernames = options["user"]
        if usernames:
            known = set(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
            unknown = sorted(set(usernames) - known)
            if unknown:
                raise CommandError(_("No account named %(names)s.") % {"names": ", ".join(unknown)}, returncode=2)
        # Said before sending, so the count is of earlier runs only.
        repeated = recent_reminders(options["today"]).count()
        if repeated:
            self.stderr.write(
                _("%(count)d reminders of a service to a person, sent in the last %(days)d days, are not repeated.")
                % {"count": repeated, "days": interval_days()}
            )
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
