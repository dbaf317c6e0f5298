"""Settings of the benchmark's gunicorn server: the project's, plus the bare endpoint."""

from linzi_platform.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
