"""Login throttling with two limits: per username and address, and per address.

django-axes counts failed sign-ins for each set in
``AXES_LOCKOUT_PARAMETERS``, but compares them all with one limit. We need
two: a few failures lock one username from one address (someone guessing a
password), and a larger number of failures from one address, whatever the
usernames, locks the address (password spraying: one common password tried
against many accounts, which never trips the per-username limit). The
address limit is higher so that colleagues behind one office address do not
lock each other out by mistyping.

``AddressLimitHandler`` reads the two sets in settings order —
``[["username", "ip_address"], "ip_address"]`` — and reports an address at
its limit as a pair at its limit, so every place axes decides on a lockout
(before checking a password, after a failure) applies both rules. A
successful sign-in clears only that username's failures from the address:
otherwise one valid account would reset the spraying count.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum

PAIR, ADDRESS = 0, 1


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        pair = _failures(attempts[PAIR])
        if len(attempts) > ADDRESS and _failures(attempts[ADDRESS]) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair

    def reset_user_attempts(self, request, credentials=None) -> int:
        deleted, _by_model = self.filter_user_attempts(request, credentials)[PAIR].delete()
        return deleted
