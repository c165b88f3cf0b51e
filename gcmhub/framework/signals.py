"""Signals the framework sends to apps that copy its texts.

``sdg_titles_changed`` is sent inside ``load_framework``'s transaction when
the official title of an SDG indicator changed in some language, with
``changes={code: {language: (old title, new title)}}``. The indicators app
copies the titles into its catalogue when it first imports a series, and
updates the copies nobody has edited since.
"""

from django.dispatch import Signal

sdg_titles_changed = Signal()
