from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`manage.py bench`: the performance benchmark of the hot paths (R1, R3, R4, R18 at scale)."""

    name = "benchmarks"
    default_auto_field = "django.db.models.BigAutoField"
