"""Settings of the benchmark (`make bench`, its gunicorn server and tests/performance): the
project's, plus this app (the `bench` command, the bare endpoint and its BenchRow table). The
product's settings do not install it, so a product database never has the table."""

from linzi_platform.settings import *  # noqa: F403
from linzi_platform.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
ROOT_URLCONF = "benchmarks.urls"
