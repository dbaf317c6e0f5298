"""`manage.py bench [--quick]`: seed a province-scale push table in its own PostgreSQL
database and print the performance figures P1–P8 (docs/performance.md explains them)."""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from benchmarks import figures, import_figure, load, pages, seed, sweeping, table

DEFAULT_BENCH_DB = "linzi_bench"
QUICK_FACTOR = 0.1
REFUSAL_EXIT_CODE = 2


class Command(BaseCommand):
    help = "Performance benchmark on PostgreSQL + Redis (docs/performance.md): P1–P8 in one table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quick", action="store_true", help="10x smaller, about a minute; for CI"
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="PostgreSQL server to use (default: DATABASE_URL); the benchmark works in "
            "its own database on it, dropped and re-created each run",
        )
        parser.add_argument(
            "--bench-db", default=DEFAULT_BENCH_DB, help="name of that database (linzi_bench)"
        )
        parser.add_argument("--broker-url", default=None, help="Redis (default CELERY_BROKER_URL)")
        parser.add_argument("--clients", type=int, default=8, help="P1 concurrent clients")
        parser.add_argument(
            "--load-users", type=int, default=None, help="P8 simulated users (60; quick 20)"
        )
        parser.add_argument(
            "--load-seconds", type=float, default=None, help="P8 duration (120 s; quick 20 s)"
        )
        parser.add_argument(
            "--only",
            default="",
            help="run only these figures, e.g. P3,P8 (for working on one figure; the table "
            "then lacks the others)",
        )
        parser.add_argument("--scale", type=float, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--output", default=None, help="markdown file (var/bench/last.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        database_url = options["database_url"] or os.environ.get("DATABASE_URL", "")
        broker_url = options["broker_url"] or os.environ.get("CELERY_BROKER_URL", "")
        self._require_services(database_url, broker_url)
        quick = options["quick"]
        factor = (
            options["scale"] if options["scale"] is not None else (QUICK_FACTOR if quick else 1.0)
        )
        bench_url = self._fresh_database(database_url, options["bench_db"])
        started = time.perf_counter()
        self._use_database(bench_url)
        # Query logging (DEBUG) would be measured along with the work.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        self.stdout.write(f"migrating {options['bench_db']} …")
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(f"seeding (scale {factor:g}) …")
        seeded, scale = seed.seed(factor=factor)
        seeding = time.perf_counter() - started
        self.stdout.write(f"seeded {seeded.pushes:,} pushes in {seeding:.0f} s")

        runs = 5 if factor >= 0.5 else 3
        small_runs = max(1, round(factor * 1000))
        results: list[figures.Figure] = []
        only = {key.strip().upper() for key in options["only"].split(",") if key.strip()}

        def wanted(key: str) -> bool:
            return not only or key in only

        if wanted("P5"):
            self.stdout.write("P5 …")
            results.append(
                figures.p5_api_key(seeded=seeded, runs=max(50, min(2000, small_runs * 2)))
            )
        if wanted("P3"):
            self.stdout.write("P3 …")
            depth = min(10_000, max(25, scale.small_inbox - 50))
            results += pages.p3_pages(
                seeded=seeded,
                depth=depth,
                runs=runs * 4 + 1,
                big_rows=scale.big_inbox,
                small_rows=scale.small_inbox,
            )
        if wanted("P4"):
            self.stdout.write("P4 …")
            results.append(figures.p4_report(runs=runs))
        if wanted("P2"):
            self.stdout.write("P2 …")
            results.append(figures.p2_sweep(loop_sample=max(50, min(2000, small_runs * 2))))
        if wanted("P8"):
            self.stdout.write("P8 …")
            results += load.p8_load(
                seeded=seeded,
                database_url=bench_url,
                broker_url=broker_url,
                users=options["load_users"] or (20 if quick else 60),
                seconds=options["load_seconds"] or (20 if quick else 120),
            )
        # P1's decisions per client, and P7's (its ingest is P1's, beside background work).
        per_client = max(10, min(250, small_runs // 4))
        if wanted("P1"):
            self.stdout.write("P1 …")
            results.append(
                figures.p1_ingest(
                    seeded=seeded,
                    database_url=bench_url,
                    broker_url=broker_url,
                    clients=options["clients"],
                    per_client=per_client,
                )
            )
        if wanted("P7"):
            self.stdout.write("P7 …")
            results.append(
                sweeping.p7_ingest_while_sweeping(
                    seeded=seeded,
                    database_url=bench_url,
                    broker_url=broker_url,
                    clients=options["clients"],
                    per_client=per_client,
                    overdue=scale.overdue_pending,
                )
            )
        if wanted("P6"):
            self.stdout.write("P6 …")
            results.append(
                import_figure.p6_licence_import(
                    seeded=seeded, rows=import_figure.import_rows(factor)
                )
            )
        results.sort(key=lambda f: [int(part) for part in f.key[1:].split(".")])
        elapsed = time.perf_counter() - started
        mode = "quick" if quick else "full"
        header = (
            f"linzi bench ({mode}, scale {factor:g}, {seeded.pushes:,} pushes, "
            f"{elapsed:.0f} s incl. {seeding:.0f} s seeding) on {platform.node()}, "
            f"{os.cpu_count()} cores, PostgreSQL {self._server_version()}"
        )
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write(table.text_table(results))
        output = options["output"] or str(settings.BASE_DIR / "var" / "bench" / "last.md")
        table.write_markdown(Path(output), table.markdown_table(results, header=header))
        self.stdout.write(f"\nwritten to {output}")
        failed = [f.key for f in results if not f.passed]
        if failed and not quick:
            raise CommandError(f"targets missed: {', '.join(failed)}", returncode=1)

    def _require_services(self, database_url: str, broker_url: str) -> None:
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise CommandError(
                "基准测试需要 PostgreSQL：请设置 DATABASE_URL（postgres://…）。\n"
                "The benchmark needs PostgreSQL: set DATABASE_URL (postgres://…) or pass "
                "--database-url.",
                returncode=REFUSAL_EXIT_CODE,
            )
        if not broker_url.startswith(("redis://", "rediss://")):
            raise CommandError(
                "基准测试需要 Redis：请设置 CELERY_BROKER_URL（redis://…）。\n"
                "The benchmark needs Redis: set CELERY_BROKER_URL (redis://…) or pass "
                "--broker-url.",
                returncode=REFUSAL_EXIT_CODE,
            )
        import psycopg2
        import redis

        try:
            redis.Redis.from_url(broker_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            raise CommandError(
                f"无法连接 Redis（{broker_url}）。\nRedis is unreachable at {broker_url}: {exc}",
                returncode=REFUSAL_EXIT_CODE,
            ) from exc
        try:
            psycopg2.connect(self._maintenance_dsn(database_url), connect_timeout=5).close()
        except psycopg2.Error as exc:
            raise CommandError(
                f"无法连接 PostgreSQL（{self._safe(database_url)}）。\n"
                f"PostgreSQL is unreachable at {self._safe(database_url)}: {exc}",
                returncode=REFUSAL_EXIT_CODE,
            ) from exc

    @staticmethod
    def _safe(url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        return f"{parts.scheme}://{host}:{parts.port or 5432}{parts.path}"

    @staticmethod
    def _with_database(url: str, name: str) -> str:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def _maintenance_dsn(self, url: str) -> str:
        return self._with_database(url, "postgres")

    def _fresh_database(self, url: str, name: str) -> str:
        """Drop and re-create the benchmark's own database (never the configured one)."""
        import psycopg2
        from psycopg2 import sql

        if not name.replace("_", "").isalnum() or "bench" not in name:
            raise CommandError(
                "基准数据库名必须包含 bench。\nThe benchmark database name must contain 'bench'.",
                returncode=REFUSAL_EXIT_CODE,
            )
        conn = psycopg2.connect(self._maintenance_dsn(url))
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn.close()
        return self._with_database(url, name)

    @staticmethod
    def _use_database(url: str) -> None:
        """Point this process's default connection at the benchmark database."""
        connection.close()
        parsed = dj_database_url.parse(url)
        for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
            connection.settings_dict[key] = parsed[key]
        connection.settings_dict["CONN_MAX_AGE"] = None

    @staticmethod
    def _server_version() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
