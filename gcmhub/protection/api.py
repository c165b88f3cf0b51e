"""REST endpoints of the protection app, mounted under /api/v1/ by gcmhub/api.py."""

from ninja import Router

router = Router(tags=["protection"])
