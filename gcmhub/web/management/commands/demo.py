"""`gcmhub demo`: a working demonstration site in one command."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gcmhub.actors.demo import create_demo_accounts


class Command(BaseCommand):
    help = "Initialise, add demo accounts and content, then serve (unless --no-serve)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Build the demo site without serving it.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve=False, host="127.0.0.1", port=8000, **options):
        call_command("init", verbosity=options["verbosity"])
        accounts = create_demo_accounts()
        self._load_action_texts()
        self._load_indicators()
        self._load_commitments()
        self._load_practices()
        self._load_protection()
        self._load_explorer()
        self._load_reviews()
        self._load_review_scorecards()
        # Imports queue recomputation for the task worker; a freshly built demo
        # site should show its scorecards before any worker has run.
        call_command("assess", verbosity=options["verbosity"])
        self._load_reports()
        # Mark this var/ folder as a demo site so the login page lists the
        # invented accounts (see settings.DEMO_MODE).
        settings.DEMO_MARKER.write_text("This site was built by `gcmhub demo`.\n")
        settings.DEMO_MODE = True
        self.stdout.write("Demo accounts (invented, for trying GCM Hub out):")
        for account in accounts:
            scope = account.get("area") or account.get("organization") or ""
            self.stdout.write(f"  {account['username']:<16} {account['password']:<22} {account['role']:<12} {scope}")
        if no_serve:
            self.stdout.write(self.style.SUCCESS("Demo site built. Run `gcmhub serve` to open it."))
            return
        call_command("serve", host=host, port=port)

    def _load_action_texts(self):
        # The official English wording of the actions, derived from the public
        # transcription of the resolution by `build_framework_texts`; objective
        # 20, whose transcription is defective, keeps its short titles.
        from gcmhub.framework.catalogue import DATA_DIR
        from gcmhub.framework.official_sources import ACTION_TEXTS_FILE
        from gcmhub.framework.services import import_official_texts

        report = import_official_texts(DATA_DIR / ACTION_TEXTS_FILE, language="en")
        self.stdout.write(
            f"Official action texts {report.file}: {len(report.objectives)} objectives, "
            f"{report.actions_changed} texts changed"
        )

    def _load_commitments(self):
        # An invented coordination mechanism for one country (labelled as such on every page).
        from gcmhub.commitments.demo import DEMO_AREA, load_demo_commitments

        loaded = load_demo_commitments()
        if loaded["skipped"]:
            self.stdout.write(f"Demo commitments ({DEMO_AREA}, invented): already loaded")
        else:
            self.stdout.write(
                f"Demo commitments ({DEMO_AREA}, invented): {loaded['organizations']} organisations, "
                f"{loaded['commitments']} commitments, {loaded['updates']} updates"
            )

    def _load_reviews(self):
        # An invented voluntary GCM review for the demo country (labelled as such
        # on every page), with a partly completed self-assessment.
        from gcmhub.reviews.demo import DEMO_AREA, load_demo_reviews

        loaded = load_demo_reviews()
        if loaded.get("skipped"):
            self.stdout.write(f"Demo review ({DEMO_AREA}, invented): {loaded['skipped']}")
        else:
            self.stdout.write(
                f"Demo review ({DEMO_AREA}, invented): {loaded['milestones']} steps, "
                f"{loaded['consultations']} consultations, self-assessment {loaded['answered']}/{loaded['total']}"
            )

    def _load_review_scorecards(self):
        # Two invented stakeholder scorecards for the demo review, disagreeing
        # with the official self-assessment on two objectives.
        from gcmhub.reviews.demo_scorecards import load_demo_scorecards

        loaded = load_demo_scorecards()
        if loaded.get("skipped"):
            self.stdout.write(f"Demo scorecards (invented): {loaded['skipped']}")
        else:
            self.stdout.write(
                f"Demo scorecards (invented): {loaded['scorecards']} published, "
                f"{loaded['disagreements']} objectives with a disagreement"
            )

    def _load_explorer(self):
        # Real corridors (DESA matrix, RPW, UNHCR) and Missing Migrants incidents,
        # verbatim cuts of ../shared/data imported by the normal importers.
        from gcmhub.explorer.demo import load_demo

        for item in load_demo():
            state = "already loaded" if item.skipped else f"{item.written} values"
            self.stdout.write(f"Explorer data {item.file}: {state}")

    def _load_indicators(self):
        # Real statistics (UNSD SDG database, UN DESA migrant stock) from the
        # committed extract, through the normal importer; skipped when loaded.
        from gcmhub.indicators.demo import load_demo_indicators

        for item in load_demo_indicators():
            state = "already loaded" if item.skipped else f"{item.created} values"
            self.stdout.write(f"Indicator data {item.file}: {state}")

    def _load_reports(self):
        # A published report (PDF, DOCX, HTML) of the invented demo review,
        # after the reviews demo and `assess` so it shows the scorecard.
        from gcmhub.reports.demo import load_demo_report

        result = load_demo_report()
        if result.skipped:
            self.stdout.write(f"Demo review report: {result.skipped}")
        else:
            self.stdout.write(
                f"Demo review report (invented review): published at {result.snapshot.get_absolute_url()} "
                f"in {result.seconds:.1f} s"
            )

    def _load_protection(self):
        # An invented service directory and referral pathways for Kenya (labelled
        # as demo data on every page), with planted stale services and gaps.
        from gcmhub.protection.demo import DEMO_AREA, load_demo_directory

        loaded = load_demo_directory()
        if loaded["skipped"]:
            self.stdout.write(f"Demo service directory ({DEMO_AREA}, invented): already loaded")
        else:
            self.stdout.write(
                f"Demo service directory ({DEMO_AREA}, invented): {loaded['services']} services, "
                f"{loaded['pathways']} referral pathways, {loaded['commitments_tagged']} commitments tagged"
            )

    def _load_practices(self):
        # Good practices reviewed from the shared workshop report, with their
        # source page and passage; the report's other candidates wait in the
        # curation queue.
        from gcmhub.practices.demo import load_demo_practices

        report = load_demo_practices()
        if report.skipped:
            self.stdout.write(f"Good practices: {report.skipped}")
        else:
            self.stdout.write(
                f"Good practices: {report.practices} published from {report.document.title} "
                f"({report.candidates} candidates extracted)"
            )
