"""``gcmhub users``: create, list, deactivate and reactivate accounts; issue API tokens.

The command runs as the system operator (full rights) but goes through the
same services, so a focal point without a country or a weak password is
refused here exactly as on the web. Bad arguments exit with status 2.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gcmhub.actors import services
from gcmhub.actors.models import User
from gcmhub.errors import GcmHubError

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Create, list, deactivate and reactivate accounts; issue API tokens."
    # Tests pass stdin=StringIO(...) to feed --password-stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="Create an account.")
        create.add_argument("username")
        create.add_argument("--role", required=True, help=f"One of: {', '.join(User.Role.values)}.")
        create.add_argument("--area", help="ISO3 code of a focal point's country, e.g. KEN.")
        create.add_argument("--organization", help="Id of a contributor's or stakeholder's organisation.")
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input. "
            "Without it a password is generated and printed once.",
        )

        token = actions.add_parser("token", help="Issue an API token and print only its key.")
        token.add_argument("username")
        token.add_argument("--name", default="command line", help="What the token is for.")

        actions.add_parser("list", help="List accounts with their role and scope.")

        deactivate = actions.add_parser(
            "deactivate", help="Deactivate an account (it is kept, with its history) and revoke its API tokens."
        )
        deactivate.add_argument("username")
        activate = actions.add_parser("activate", help="Reactivate a deactivated account.")
        activate.add_argument("username")

    def handle(self, *args, **options):
        handler = {
            "create": self.create,
            "token": self.token,
            "list": self.list_users,
            "deactivate": self.deactivate,
            "activate": self.activate,
        }[options["action"]]
        try:
            handler(options)
        except GcmHubError as error:
            raise CommandError(error.message, returncode=USAGE_ERROR) from None

    def create(self, options):
        generated = not options["password_stdin"]
        password = services.generate_password() if generated else self._read_password(options)
        user = services.create_user(
            None,
            options["username"],
            options["role"],
            area_iso3=options["area"],
            organization_id=options["organization"],
            email=options["email"],
            password=password,
        )
        self.stdout.write(
            _("Created %(username)s (%(role)s%(scope)s).")
            % {"username": user.username, "role": user.role, "scope": _scope_suffix(user)}
        )
        if generated:
            self.stdout.write(_("Password (shown once, store it now): %(password)s") % {"password": password})

    def _read_password(self, options) -> str:
        password = options.get("stdin", sys.stdin).readline().rstrip("\r\n")
        if not password:
            raise CommandError(_("--password-stdin: standard input had no password."), returncode=USAGE_ERROR)
        return password

    def _user_named(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named “%(username)s”.") % {"username": username}, returncode=USAGE_ERROR)
        return user

    def token(self, options):
        user = self._user_named(options["username"])
        _token, key = services.issue_token(None, user, options["name"])
        # Only the key on stdout, so that `KEY=$(gcmhub users token alice)` works.
        self.stdout.write(key)

    def list_users(self, options):
        for user in services.manageable_users(None):
            status = "" if user.is_active else "  " + _("(deactivated)")
            role = user.role or "-"
            self.stdout.write(f"{user.username:<24} {role:<12} {_scope(user)}{status}")


    def deactivate(self, options):
        user = services.set_user_active(None, self._user_named(options["username"]), False)
        self.stdout.write(_("Deactivated %(username)s; its API tokens are revoked.") % {"username": user.username})

    def activate(self, options):
        user = services.set_user_active(None, self._user_named(options["username"]), True)
        self.stdout.write(_("Reactivated %(username)s.") % {"username": user.username})


def _scope(user: User) -> str:
    if user.area:
        return user.area.iso3
    if user.organization:
        return _("organisation %(id)s: %(name)s") % {"id": user.organization.pk, "name": user.organization.name}
    return "-"


def _scope_suffix(user: User) -> str:
    scope = _scope(user)
    return "" if scope == "-" else f", {scope}"
