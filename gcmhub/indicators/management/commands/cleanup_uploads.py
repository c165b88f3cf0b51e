"""`gcmhub manage cleanup_uploads`: delete uploads kept past their retention.

An uploaded file is kept after its import ends, for audit, for
GCMHUB_UPLOAD_RETENTION_DAYS days (default 30); its unpacked copy is deleted
as soon as the import ends. Task workers run this every minute; run it by
hand (or from cron where no worker runs) to apply a shorter period.
"""

from django.core.management.base import BaseCommand, CommandError

from gcmhub.indicators import services


class Command(BaseCommand):
    help = "Delete uploaded import files older than the retention period (GCMHUB_UPLOAD_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Keep uploads of imports that ended fewer days ago than this."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; delete nothing.")

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and days < 0:
            raise CommandError(f"--days must be 0 or more, not {days}.", returncode=2)
        folders = services.cleanup_uploads(days=days, dry_run=dry_run)
        for folder in folders:
            self.stdout.write(str(folder))
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{len(folders)} upload folder(s) {verb}.")
