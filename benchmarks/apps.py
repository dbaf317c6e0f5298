from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`manage.py bench`: the performance benchmark of the hot paths (issue #9)."""

    name = "benchmarks"
    default_auto_field = "django.db.models.BigAutoField"
