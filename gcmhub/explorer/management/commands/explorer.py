"""``gcmhub explorer``: load Missing Migrants incidents, rebuild the aggregates."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from gcmhub.indicators.loader import ImportRejected


class Command(BaseCommand):
    help = "Migration data explorer: import-incidents FILE..., rebuild [--force]."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        incidents = sub.add_parser("import-incidents", help="Import Missing Migrants incident CSVs with coordinates.")
        incidents.add_argument("files", nargs="+")
        incidents.add_argument("--dry-run", action="store_true")
        rebuild = sub.add_parser("rebuild", help="Recompute the explorer's precomputed tables.")
        rebuild.add_argument("--force", action="store_true", help="Redo everything, not only changed series.")
        extract = sub.add_parser("demo-extract", help="Rewrite gcmhub/explorer/demo_data from the shared datasets.")
        extract.add_argument("--shared", default=None, help="The shared data folder (default: settings.SHARED_DATA_DIR).")
        sub.add_parser("load-demo", help="Import the committed demo extract and rebuild the aggregates.")

    def handle(self, *args, action, **options):
        if action == "import-incidents":
            from gcmhub.indicators.incidents import import_incidents

            try:
                result = import_incidents(None, options["files"], dry_run=options["dry_run"])
            except ImportRejected as error:
                for problem in error.problems:
                    self.stderr.write(str(problem))
                raise CommandError(str(error), returncode=2) from None
            verb = "would be " if options["dry_run"] else ""
            self.stdout.write(
                f"{result.read} incidents read: {result.created} {verb}created, {result.updated} {verb}updated, "
                f"{result.unchanged} unchanged" + (f" (batch #{result.batch_id})" if result.batch_id else "")
            )
        elif action == "demo-extract":
            from pathlib import Path

            from django.conf import settings

            from gcmhub.explorer.demo import build_extract

            shared = Path(options["shared"]) if options["shared"] else Path(settings.SHARED_DATA_DIR)
            for name, rows in build_extract(shared).items():
                self.stdout.write(f"{name}: {rows} rows")
        elif action == "load-demo":
            from gcmhub.explorer.demo import load_demo

            for item in load_demo():
                self.stdout.write(f"Explorer data {item.file}: {'already loaded' if item.skipped else f'{item.written} values'}")
        elif action == "rebuild":
            from gcmhub.explorer.aggregates import rebuild

            summary = rebuild(force=options["force"])
            self.stdout.write(
                f"Explorer aggregates: {summary['corridor_values_written']} corridor values written "
                f"({', '.join(summary['measures']) or 'no corridor measure changed'}), "
                f"{summary['series_sliced']} series sliced, {summary['seconds']} s"
            )
