from django.urls import path, re_path

from gcmhub.geo import views

app_name = "geo"
urlpatterns = [
    path("countries/", views.countries, name="countries"),
    # An ISO alpha-3 code (any case) or a three-digit M49 code.
    re_path(r"^countries/(?P<key>[A-Za-z]{3}|\d{3})/$", views.country, name="country"),
]
