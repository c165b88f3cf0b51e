"""The coordination page of a country, under /<language>/countries/<ISO3>/coordination/."""

from django.urls import re_path

from gcmhub.commitments import coordination_views as views

app_name = "coordination"
urlpatterns = [
    re_path(r"^countries/(?P<key>[A-Za-z]{3})/coordination/$", views.coordination_page, name="country"),
    re_path(r"^countries/(?P<key>[A-Za-z]{3})/coordination/overlaps/$", views.overlap_decision, name="overlap"),
    re_path(r"^countries/(?P<key>[A-Za-z]{3})/coordination/matches/$", views.match_action, name="match"),
]
