"""``gcmhub framework load`` and ``gcmhub framework import-text FILE.md``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gcmhub.framework.loader import load_framework
from gcmhub.framework.problems import FrameworkDataError
from gcmhub.framework.services import TextImportReport, import_official_texts
from gcmhub.i18n import SUPPORTED as LANGUAGES


class Command(BaseCommand):
    help = "Load the bundled framework, or import the official action texts from a Markdown file."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        load = subcommands.add_parser(
            "load",
            help=(
                "Load or update principles, objectives, actions, SDG indicators, MiGOF, the policy domains "
                "of SDG 10.7.2 and the implementation and follow-up elements from the bundled files."
            ),
        )
        load.add_argument("--data-dir", type=Path, help="Read the YAML files from this folder instead.")

        import_text = subcommands.add_parser(
            "import-text", help="Fill the official action texts from a Markdown transcription of A/RES/73/195."
        )
        import_text.add_argument("file", type=Path, help="Markdown file: '# Objective N', '## Title: …', '- a. …'.")
        import_text.add_argument("--language", choices=LANGUAGES, default="en", help="Language of the file (en).")
        import_text.add_argument(
            "--skip-mismatched",
            action="store_true",
            help="Import the objectives that match and report the others, instead of refusing the file.",
        )
        import_text.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args, **options):
        try:
            if options["subcommand"] == "load":
                self._load(options["data_dir"])
            else:
                self._import_text(options)
        except FrameworkDataError as exc:
            raise CommandError(exc.message, returncode=2) from exc

    def _load(self, data_dir: Path | None) -> None:
        summary = load_framework(data_dir)
        for header in summary.headers:
            self.stdout.write(
                _("%(file)s: schema version %(version)d, edition %(edition)s")
                % {"file": header.file, "version": header.schema_version, "edition": header.edition}
            )
        for table, counts in summary.tables.items():
            self.stdout.write(
                _("%(table)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(deleted)d deleted")
                % {"table": table, **vars(counts)}
            )
        message = _("Framework loaded.") if summary.changed else _("Framework already up to date.")
        self.stdout.write(self.style.SUCCESS(message))

    def _import_text(self, options: dict) -> None:
        report = import_official_texts(
            options["file"],
            language=options["language"],
            skip_mismatched=options["skip_mismatched"],
            dry_run=options["dry_run"],
        )
        self._write_report(report)

    def _write_report(self, report: TextImportReport) -> None:
        for problem in report.skipped:
            self.stderr.write(self.style.WARNING(_("Skipped: %(problem)s") % {"problem": problem}))
        if report.missing:
            self.stdout.write(
                _("Not in the file: objectives %(numbers)s.") % {"numbers": ", ".join(map(str, report.missing))}
            )
        counts = {
            "objectives": len(report.objectives),
            "changed": report.actions_changed,
            "unchanged": report.actions_unchanged,
            "file": report.file,
            "language": report.language,
        }
        if report.dry_run:
            message = _(
                "Dry run of %(file)s (%(language)s): %(objectives)d objectives match; %(changed)d action texts "
                "would change, %(unchanged)d are already up to date. Nothing was written."
            )
        else:
            message = _(
                "Imported %(file)s (%(language)s): %(objectives)d objectives; %(changed)d action texts changed, "
                "%(unchanged)d already up to date."
            )
        self.stdout.write(self.style.SUCCESS(message % counts))
