from django.urls import path

from gcmhub.practices.search import views

app_name = "practice_search"

urlpatterns = [
    path("practices/search/", views.search, name="search"),
]
