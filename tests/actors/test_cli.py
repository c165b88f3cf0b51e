"""``gcmhub users``: the same services as the web, run as the system operator;
bad arguments exit with status 2."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gcmhub.actors import services
from gcmhub.actors.models import User


def run(*args, stdin=None) -> str:
    out = io.StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    call_command("users", *args, **options)
    return out.getvalue()


def test_create_focal_point_with_a_generated_password_shown_once(kenya):
    output = run("create", "achieng", "--role", "focal-point", "--area", "ken")
    user = User.objects.get(username="achieng")
    assert (user.role, user.area.iso3) == ("focal-point", "KEN")
    password = output.split(": ")[-1].strip()
    assert user.check_password(password)
    assert user.history.first().history_user is None  # the operator, not a user


def test_create_with_password_from_stdin(orgs):
    run(
        "create", "maria", "--role", "stakeholder", "--organization", str(orgs.mex_pub.pk),
        "--email", "maria@example.org", "--password-stdin", stdin="a fresh passphrase\n",
    )
    user = User.objects.get(username="maria")
    assert user.check_password("a fresh passphrase") and user.organization == orgs.mex_pub


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create", "x1", "--role", "wizard"], None, "Unknown role"),
        (["create", "x1", "--role", "focal-point", "--area", "ZZZ"], None, "ZZZ"),
        (["create", "x1", "--role", "focal-point"], None, "needs a country"),
        (["create", "x1", "--role", "contributor"], None, "need an organisation"),
        (["create", "x1", "--role", "contributor", "--organization", "424242"], None, "424242"),
        (["create", "x1", "--role", "contributor", "--organization", "abc"], None, "abc"),
        (["create", "reviewer", "--role", "reviewer"], None, "already exists"),
        (["create", "x1", "--role", "reviewer", "--password-stdin"], "123\n", "too short"),
        (["create", "x1", "--role", "reviewer", "--password-stdin"], "", "no password"),
        (["token", "nobody"], None, "nobody"),
    ],
)
def test_bad_arguments_exit_with_status_2(people, args, stdin, message):
    with pytest.raises(CommandError) as error:
        run(*args, stdin=stdin)
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert not User.objects.filter(username="x1").exists()


def test_token_prints_only_the_key(people):
    output = run("token", "focal-ken", "--name", "ci")
    key = output.strip()
    assert "\n" not in key and key.startswith(services.TOKEN_PREFIX)
    assert services.authenticate_token(key) == people.focal_ken
    assert people.focal_ken.api_tokens.get().name == "ci"


def test_list_shows_role_and_scope(people):
    lines = {line.split()[0]: line for line in run("list").splitlines()}
    assert set(lines) == {"admin", "focal-ken", "focal-mex", "contributor-ken", "stakeholder-ken", "reviewer"}
    assert "KEN" in lines["focal-ken"] and "Kenya Ministry of Labour" in lines["contributor-ken"]


def test_gcmhub_entry_point_reports_usage_errors_with_status_2(people, capsys):
    """Through ``gcmhub users ...`` the CommandError becomes the exit status."""
    from gcmhub.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["users", "create", "x2", "--role", "wizard"])
    assert exit_.value.code == 2
    assert "Unknown role" in capsys.readouterr().err
