"""Who may do what with the service directory and referral pathways: one set
of rules for web, API and CLI.

``rules`` imports this module at start-up; every interface asks
``user.has_perm("protection.<perm>", record)`` and ``services.py`` checks
the same permission with the record it is about to save.
``services.visible_services`` is the queryset form of ``view_service`` (the
tests keep the two in agreement).

* provider: a contributor or stakeholder of the service's provider
  organisation edits that organisation's services;
* focal point: the directory and the referral pathways of their country;
* reviewer: reads everything, verifies (``last_verified_on``) and publishes;
* public: active, published services only; every referral pathway (each step
  shows only the services the reader may see).

An edit of a published service by anyone who may not publish it is held for
review (``gcmhub.publishing``).
"""

import rules

from gcmhub.actors.rules import is_admin, is_reviewer, manages_area_of, member_of_organization_of


@rules.predicate
def is_public_service(user, service) -> bool:
    return service is not None and bool(service.is_published) and service.state == "active"


@rules.predicate
def never_published(user, service) -> bool:
    return service is None or (not service.is_published and service.published_at is None)


manages_service_area = manages_area_of("area_id")
member_of_provider = member_of_organization_of("provider_id")
reviews = is_admin | is_reviewer
edits_service = is_admin | manages_service_area | member_of_provider

rules.add_perm("protection.view_service", is_public_service | reviews | manages_service_area | member_of_provider)
# Creating: in one's own country (focal point) or in the name of one's own organisation (provider).
rules.add_perm("protection.add_service", edits_service)
rules.add_perm("protection.change_service", edits_service)
# Published services stay (closed, with their history); editors delete what was never published.
rules.add_perm("protection.delete_service", is_admin | ((manages_service_area | member_of_provider) & never_published))
rules.add_perm("protection.publish_service", reviews)
rules.add_perm("protection.verify_service", reviews)

# Referral pathways: public to read; the country's focal point keeps them.
rules.add_perm("protection.view_referralpathway", rules.always_allow)
edits_pathway = is_admin | manages_area_of("area_id")
rules.add_perm("protection.add_referralpathway", edits_pathway)
rules.add_perm("protection.change_referralpathway", edits_pathway)
rules.add_perm("protection.delete_referralpathway", edits_pathway)

# HSDS imports from the web and the API (the object is the country; None: the file's own).
rules.add_perm("protection.import_services", is_admin | manages_area_of(lambda area: area))
