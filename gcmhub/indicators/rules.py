"""Who may do what with indicator data (autodiscovered by ``rules``).

* ``indicators.import_data`` — on an Area: administrators for any area, a
  focal point for their own country. A file that covers several countries
  (no ``--area``) is for administrators only: ``services.run_import``
  refuses it for anyone else, and checks every row of a focal point's file
  against their country.
* ``indicators.view_import`` — on an ImportBatch: the user who started it,
  and administrators.
* ``indicators.change_catalogue`` — indicators, series, code lists:
  administrators (the catalogue is shared by every country).
* ``indicators.change_target`` — on a Target: administrators, and the
  focal point of the target's country.
* Observations, the catalogue and exports are public: no permission.
"""

import rules

from gcmhub.actors.rules import is_admin, manages_area_of


def _itself(obj):
    return obj


@rules.predicate
def started_import(user, batch) -> bool:
    return batch is not None and user.pk is not None and batch.user_id == user.pk


rules.add_perm("indicators.import_data", is_admin | manages_area_of(_itself))
rules.add_perm("indicators.view_import", is_admin | started_import)
rules.add_perm("indicators.change_catalogue", is_admin)
rules.add_perm("indicators.change_target", is_admin | manages_area_of("area_id"))
