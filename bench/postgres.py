"""A throwaway PostgreSQL 15 cluster on loopback, in a temporary directory (RECIPES.md).

As root the server runs as the `postgres` user (it refuses to run as root), with its data
and socket directories owned by that user; otherwise it runs as the current user.
`fsync=off`: the benchmark measures loading, not durability.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg2

CANDIDATE_BINDIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
                     "/usr/lib/postgresql/17/bin")


def _bindir() -> Path:
    for candidate in CANDIDATE_BINDIRS:
        if Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise SystemExit("PostgreSQL server binaries not found: apt-get install -y postgresql")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryPostgres:
    """initdb + pg_ctl start in `base`; stop() stops it. Use as a context manager."""

    def __init__(self, base: Path, port: int | None = None):
        self.base = base
        self.data = base / "pg"
        self.sock = base / "sock"
        self.port = port or free_port()
        self.bindir = _bindir()
        self.as_root = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    def start(self) -> "TemporaryPostgres":
        if self.as_root:
            os.chmod(self.base, 0o755)  # the postgres user must reach its directories
            subprocess.run(["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "700",
                            str(self.data)], check=True)
            subprocess.run(["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "755",
                            str(self.sock)], check=True)
        else:
            self.data.mkdir(mode=0o700)
            self.sock.mkdir(mode=0o755)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                  "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w",
                  "-t", "30", "-o", options, "start")
        self.started = True
        return self

    def stop(self) -> None:
        if self.started and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                          "stop")
        self.started = False

    def __enter__(self) -> "TemporaryPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                dbname=database)

    def create_database(self, name: str) -> None:
        connection = self.connect()
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.connect().close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
