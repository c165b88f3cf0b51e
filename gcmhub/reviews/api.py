"""REST endpoints of the reviews app, mounted under /api/v1/ by gcmhub/api.py."""

from ninja import Router

router = Router(tags=["reviews"])
