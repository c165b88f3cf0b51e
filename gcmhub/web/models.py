from django.db import models


class DataVersion(models.Model):
    """One row: the version of everything the public pages show (see
    ``gcmhub/dataversion.py``). In the database, not a cache, so every web
    worker, task worker and command sees the same value."""

    counter = models.BigIntegerField(default=0)
    # A fresh random stamp per change: a change whose transaction is rolled
    # back can never hand its number to a later, different change.
    stamp = models.CharField(max_length=32, default="initial")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"data version {self.counter} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
