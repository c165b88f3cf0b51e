"""``/<language>/inbox/``: included in gcmhub/urls.py under the namespace ``commitments_inbox``."""

from django.urls import path

from . import inbox_views

app_name = "commitments_inbox"
urlpatterns = [
    path("inbox/", inbox_views.inbox, name="inbox"),
]
