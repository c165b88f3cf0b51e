"""The ``gcmhub`` command.

``gcmhub WORD ...`` runs GCM Hub's own management command WORD (hyphens become
underscores, so ``progress-calc`` runs ``progress_calc``); ``gcmhub manage ...``
runs any Django management command. Keeping every operation a management
command means the CLI, tests and ``manage`` share one implementation.
"""

import os
import sys

# The commands GCM Hub itself provides, as typed on the command line.
OWN_COMMANDS = {
    "init": "Create or update the database and load the framework and areas.",
    "demo": "init, then demo accounts and content, then serve (--no-serve to only build).",
    "serve": "Serve the site with gunicorn and whitenoise.",
    "users": "Create users and API tokens.",
    "framework": "Framework data: import-text FILE.md loads the official action texts.",
    "import": "Import indicator data: gcmhub import FORMAT PATH [--dry-run] [--skip-invalid].",
    "export": "Export indicator data: gcmhub export FORMAT [--series CODE] [--area ISO3] -o FILE.",
    "assess": "Recompute stored progress assessments.",
    "progress-calc": "Assess series from a JSON-lines file: gcmhub progress-calc --batch IN.jsonl.",
    "commitments": "Commitments: import FILE [--dry-run], export -o FILE, template -o FILE, remind.",
    "practices": (
        "Good practices: extract FILE [--format jsonl] proposes practices found in a report; "
        "reindex rebuilds the search index."
    ),
    "explorer": "Migration data explorer: import-incidents FILE..., rebuild [--force].",
    "reviews": (
        "Reviews: report --area ISO3 --review ID --kind vgr|regional|vnr|10.7.2 "
        "--format pdf|docx|html -o FILE."
    ),
    "services": "Service directory: import FILE (HSDS JSON or CSV package), export --format hsds-json|hsds-csv -o FILE.",
    "manage": "Any Django management command (e.g. gcmhub manage check --deploy).",
}


def usage() -> str:
    lines = ["usage: gcmhub COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<13} {help_text}" for name, help_text in OWN_COMMANDS.items()]
    lines += ["", "Run 'gcmhub help COMMAND' (or 'gcmhub COMMAND --help') for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) > 1 and argv[0] == "help":
        argv = [*argv[1:], "--help"]  # gcmhub help COMMAND [SUBCOMMAND]
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0 if argv else 2
    if argv[0] in {"--version", "version"}:
        from gcmhub import __version__

        print(f"gcmhub {__version__}")
        return 0

    word, rest = argv[0], argv[1:]
    if word == "progress-calc":
        # Needs no database or settings: skipping Django's start-up (~1 s) matters
        # to analysts piping many small files through it.
        from gcmhub.progress import batch

        return batch.main(rest)
    if word == "manage":
        command_argv = rest
    elif word in OWN_COMMANDS:
        command_argv = [word.replace("-", "_"), *rest]
    else:
        print(f"gcmhub: unknown command '{word}'.\n\n{usage()}", file=sys.stderr)
        return 2

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings")
    from django.core.management import ManagementUtility

    try:
        ManagementUtility(["gcmhub", *command_argv]).execute()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`gcmhub practices extract … | head`): not a
        # failure. Point stdout at /dev/null so Python's exit flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
