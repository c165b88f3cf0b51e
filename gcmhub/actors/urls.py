"""Pages under /<language>/: sign-in, the user's own page, organisations, accounts."""

from django.contrib.auth import views as auth_views
from django.urls import path

from gcmhub.actors import views

app_name = "actors"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("me/tokens/", views.token_create, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("organizations/<int:pk>/publish/", views.organization_publish, name="organization-publish"),
    path(
        "organizations/<int:pk>/discard-change/",
        views.organization_discard_change,
        name="organization-discard-change",
    ),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/active/", views.user_active, name="user-active"),
]
