"""Settings for the test suite.

GCMHUB_TEST_DATABASE_URL selects the database (CI runs the suite once on
SQLite and once on PostgreSQL); without it tests use a throwaway SQLite file.
"""

import os

import dj_database_url

from gcmhub.settings import *  # noqa: F401,F403
from gcmhub.settings import VAR_DIR

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("GCMHUB_TEST_DATABASE_URL", f"sqlite:///{VAR_DIR / 'test.sqlite3'}")
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_FAILURE_LIMIT = 3
LOGIN_ADDRESS_FAILURE_LIMIT = 6
# Whitenoise warns when the collected-static folder is missing; tests serve
# static files through the finders instead.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# One process: an in-memory cache, emptied before each test (tests/conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
