"""Password spraying: failures with many usernames from one address lock
that address (issue 7 §4), beside the per-username-and-address lockout."""

from django.urls import reverse

from .conftest import PASSWORD, make_user

SPRAYER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"


def sign_in(client, username, password, address):
    return client.post(reverse("actors:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_with_different_usernames_lock_the_address(client, people, settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT) == (3, 6)
    statuses = []
    for number in range(6):
        make_user(f"target-{number}")
        # One guess per account: the per-username limit (3) is never reached.
        statuses.append(sign_in(client, f"target-{number}", "Summer2024!", SPRAYER).status_code)
    assert statuses == [200] * 5 + [429]  # the sixth failure locks the address
    locked = sign_in(client, "reviewer", PASSWORD, SPRAYER)
    assert locked.status_code == 429
    assert client.get(reverse("actors:me")).status_code == 302  # the right password did not get in
    # Another address is not affected.
    assert sign_in(client, "reviewer", PASSWORD, COLLEAGUE).status_code == 302


def test_fewer_failures_from_one_address_do_not_lock_it(client, people):
    for number in range(5):
        make_user(f"typo-{number}")
        sign_in(client, f"typo-{number}", "wrong guess", COLLEAGUE)
    assert sign_in(client, "reviewer", PASSWORD, COLLEAGUE).status_code == 302


def test_a_successful_sign_in_does_not_reset_the_address_count(client, people):
    for number in range(5):
        make_user(f"sprayed-{number}")
        sign_in(client, f"sprayed-{number}", "Summer2024!", SPRAYER)
    # The sprayer signs in with an account of their own...
    assert sign_in(client, "reviewer", PASSWORD, SPRAYER).status_code == 302
    client.logout()
    # ...and the next failure still locks the address.
    sign_in(client, "sprayed-0", "Autumn2024!", SPRAYER)
    assert sign_in(client, "focal-ken", PASSWORD, SPRAYER).status_code == 429
