from django.shortcuts import render

from gcmhub.web.entry_points import home_figures


def home(request):
    return render(request, "web/home.html", {"figures": home_figures()})
