"""`gcmhub progress-calc --batch IN.jsonl [--method ...]`: see gcmhub/progress/batch.py.

The batch tool needs no database, so this command hands its arguments
straight to the pure implementation and exits with its status.
"""

import sys

from django.core.management.base import BaseCommand

from gcmhub.progress import batch


class Command(BaseCommand):
    help = "Assess series given as JSON lines; writes one JSON line per input to stdout."
    requires_system_checks: list = []

    def run_from_argv(self, argv):
        sys.exit(batch.main(argv[2:]))
