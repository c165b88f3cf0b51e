"""Who may do what with progress assessments (autodiscovered by ``rules``).

* Stored assessments, scorecards and timelines are public: they are computed
  from observations, which are public.
* ``progress.recompute`` — ask for a recomputation through the API (it is
  only enqueued): administrators. The command line (``gcmhub assess``) is
  the system operator's.
* A target's timeline (expected path, start date) is part of the target:
  ``indicators.change_target`` decides (administrators, and the focal point
  of the target's country).
"""

import rules

from gcmhub.actors.rules import is_admin

rules.add_perm("progress.recompute", is_admin)
