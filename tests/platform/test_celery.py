import os
from pathlib import Path

import pytest
from celery import Celery

from linzi_platform.celery import app, ping
from tests.services import start_worker, stop_worker

pytestmark = pytest.mark.services


def test_a_real_worker_on_redis_runs_a_task_to_completion(live_worker):
    result = ping.delay("redis")
    assert result.get(timeout=60) == "pong:redis"


def test_the_embedded_filesystem_broker_carries_a_task_to_a_real_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """`make run` needs no Redis: kombu's filesystem transport under var/ does the job."""
    # Celery lets a CELERY_BROKER_URL environment variable win over any app's configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    env = {**os.environ, "DEBUG": "1", "LINZI_VAR_DIR": str(tmp_path), "CELERY_BROKER_URL": ""}
    env.pop("CELERY_RESULT_BACKEND", None)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        queue = tmp_path / "celery"
        client = Celery("embedded-client", set_as_current=False)
        client.conf.update(
            broker_url="filesystem://",
            broker_transport_options={
                "data_folder_in": str(queue / "queue"),
                "data_folder_out": str(queue / "queue"),
                "processed_folder": str(queue / "processed"),
            },
            result_backend=f"file://{queue / 'results'}",
        )
        for folder in ("queue", "processed", "results"):
            (queue / folder).mkdir(parents=True, exist_ok=True)
        result = client.send_task("linzi_platform.ping", args=["filesystem"])
        assert result.get(timeout=60) == "pong:filesystem", (tmp_path / "worker.log").read_text()
    finally:
        stop_worker(worker)


def test_tasks_are_acknowledged_late_so_a_killed_worker_loses_nothing():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.timezone == "Asia/Shanghai"
