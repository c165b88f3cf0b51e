"""Who may do what with the framework (autodiscovered by ``rules``).

The framework is public reference data. ``framework.import_official_text``
(importing the official action texts, ``gcmhub framework import-text`` on
the command line, which is the system operator's) belongs to administrators;
pages show them what is still to import, and nobody else.
"""

import rules

from gcmhub.actors.rules import is_admin

rules.add_perm("framework.import_official_text", is_admin)
