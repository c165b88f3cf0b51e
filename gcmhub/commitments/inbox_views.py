"""The inbox page: what waits for the signed-in user (``inbox.py``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .inbox import inbox_sections


@never_cache
@login_required
def inbox(request):
    sections = inbox_sections(request.user)
    context = {"sections": sections, "total": sum(len(section.items) for section in sections)}
    return render(request, "commitments/inbox.html", context)
