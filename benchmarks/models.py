from django.db import models


class BenchRow(models.Model):
    """The one row the bare reference endpoint inserts: the cheapest possible API write."""

    note = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.note
