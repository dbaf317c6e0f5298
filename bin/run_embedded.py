#!/usr/bin/env python
"""Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.

Used by `make run`. With no DATABASE_URL / CELERY_BROKER_URL the three share a SQLite file
and kombu's filesystem broker under var/; with them set they use PostgreSQL and Redis.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 15


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linzi_platform.settings")
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "linzi_platform"]
    var = Path(os.environ.get("LINZI_VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    commands = {
        "web": [python, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
        # One process, one thread: SQLite prefers a single writer per process.
        "worker": [*celery, "worker", "--loglevel=INFO", "--pool=solo", "--without-heartbeat"],
        "beat": [
            *celery,
            "beat",
            "--loglevel=INFO",
            f"--schedule={var / 'celerybeat-schedule'}",
        ],
    }
    children: dict[str, subprocess.Popen] = {}
    for name, command in commands.items():
        children[name] = subprocess.Popen(command, cwd=ROOT)  # noqa: S603

    url = f"http://{args.host}:{args.port}/"
    print(f"\n临淄区审批监管互动平台已启动：{url}")
    print("按 Ctrl-C 停止（网站、任务处理器和定时任务一起停止）。\n")
    sys.stdout.flush()

    exit_code = 0
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"{name} 已退出（代码 {child.returncode}），正在停止其余进程。")
                    exit_code = child.returncode or 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop(children)
    return exit_code


def stop(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        remaining = max(0.1, deadline - time.monotonic())
        try:
            child.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    print("已全部停止。")


if __name__ == "__main__":
    sys.exit(main())
