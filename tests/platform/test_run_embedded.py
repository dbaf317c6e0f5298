"""`make run` starts web, worker and beat together and Ctrl-C stops all three."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_embedded_launcher_serves_and_stops_cleanly_on_ctrl_c(tmp_path: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    # A var folder that does not exist yet, as on a fresh checkout.
    env.update(DEBUG="1", LINZI_VAR_DIR=str(tmp_path / "fresh" / "var"))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = free_port()
    log = (tmp_path / "run.log").open("wb")
    launcher = subprocess.Popen(
        [sys.executable, "bin/run_embedded.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=2
                ) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert "登录" in body, (tmp_path / "run.log").read_text(errors="replace")
        time.sleep(3)  # let the worker and beat finish starting
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(launcher.pid, signal.SIGINT)
        assert launcher.wait(timeout=60) == 0
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
    output = (tmp_path / "run.log").read_text(errors="replace")
    assert f"http://127.0.0.1:{port}/" in output
    assert "已全部停止" in output
    # No child outlives the launcher.
    leftover = subprocess.run(
        ["pgrep", "-f", f"runserver 127.0.0.1:{port}"], capture_output=True, text=True
    )
    assert leftover.stdout.strip() == ""
