"""Integration suite: real PostgreSQL, Redis and a Celery worker in its own process.

Run by `make integration` (and .ci/run) with DATABASE_URL (PostgreSQL), REDIS_URL and
SVD_REAL_WORKER=1 in the environment. Nothing here is eager or in-process: tasks go through
Redis to a `celery worker --pool=prefork` subprocess that uses the test database.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 60
WORKER_STOP_TIMEOUT = 30


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str,
              details: Callable[[], str] = lambda: "") -> object:
    """Poll until predicate() is truthy, failing the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{details()}")
        time.sleep(0.1)


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen
    hostname: str
    queue: str
    log_path: Path
    mail_dir: Path
    site_url: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 60) -> str:
        return "--- worker log (tail) ---\n" + "\n".join(self.log().splitlines()[-lines:])

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {self.process.returncode}\n"
                        + self.log_tail())


@pytest.fixture(scope="session", autouse=True)
def integration_environment():
    """Fail loudly, before touching any database, when the real services are not configured."""
    from django.conf import settings

    from svd_platform.celery import app

    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        problems.append(f"DATABASE_URL must point at PostgreSQL (got {database_url!r})")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append(f"the database engine is {settings.DATABASES['default']['ENGINE']}")
    if not os.environ.get("REDIS_URL"):
        problems.append("REDIS_URL is not set")
    elif not str(app.conf.broker_url).startswith("redis"):
        problems.append(f"the Celery broker is {app.conf.broker_url!r}, not Redis")
    if os.environ.get("SVD_REAL_WORKER") != "1" or app.conf.task_always_eager:
        problems.append("SVD_REAL_WORKER=1 is not set: tasks would run eagerly in-process")
    if problems:
        pytest.fail("The integration suite needs real PostgreSQL, Redis and SVD_REAL_WORKER=1 "
                    "(see .ci/run):\n  - " + "\n  - ".join(problems), pytrace=False)


def _test_database_url() -> str:
    """DATABASE_URL with the database name replaced by the test database's name."""
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session", autouse=True)
def celery_worker_process(integration_environment, django_db_setup, tmp_path_factory):
    """A real `celery worker` subprocess on the test database, for the whole session."""
    from django.conf import settings

    from svd_platform.celery import app

    name = settings.DATABASES["default"]["NAME"]
    assert name.startswith("test_"), f"refusing to point a worker at {name!r}"

    # A queue of our own, so that no other worker on this Redis takes our tasks and no stale
    # message from an earlier run reaches ours.
    run_id = uuid.uuid4().hex[:10]
    queue = f"svd-integration-{run_id}"
    app.conf.task_default_queue = queue
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    routed = app.amqp.router.route({}, "partners.tasks.ping")["queue"].name
    assert routed == queue, f"tasks would be sent to {routed!r}, not {queue!r}"

    base = tmp_path_factory.mktemp("celery")
    log_path = base / "worker.log"
    mail_dir = base / "mail"
    mail_dir.mkdir()
    hostname = f"svd-integration-{run_id}@localhost"
    site_url = "https://svd-integration.example.org"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "svd_platform.settings.test",
        "SVD_REAL_WORKER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SITE_URL": site_url,
        "PYTHONUNBUFFERED": "1",
    }
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "svd_platform", "worker", "--pool=prefork", "--concurrency=2",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--loglevel=INFO", f"--logfile={log_path}", "-n", hostname, "-Q", queue]
    with open(base / "worker.out", "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    worker = Worker(process, hostname, queue, log_path, mail_dir, site_url)

    def output() -> str:
        console = (base / "worker.out").read_text(errors="replace")
        return worker.log_tail() + "\n--- worker stdout/stderr ---\n" + console[-4000:]

    try:
        wait_for(lambda: process.poll() is not None or "ready." in worker.log(),
                 timeout=WORKER_READY_TIMEOUT, what="the Celery worker to be ready",
                 details=output)
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}\n{output()}")
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown: finish running tasks
            try:
                process.wait(timeout=WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                pytest.fail(f"the Celery worker did not stop on SIGTERM\n{output()}")


@pytest.fixture
def worker(celery_worker_process) -> Worker:
    celery_worker_process.assert_alive()
    return celery_worker_process


# --- Workers a test may kill and restart ----------------------------------------------------


def _route_tasks_to(queue: str) -> None:
    """Send tasks published from this process to `queue` (as celery_worker_process does)."""
    from svd_platform.celery import app

    app.conf.task_default_queue = queue
    for cached in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(cached, None)
    routed = app.amqp.router.route({}, "partners.tasks.ping")["queue"].name
    assert routed == queue, f"tasks would be sent to {routed!r}, not {queue!r}"


def _is_running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


@dataclass(frozen=True)
class KillableWorker(Worker):
    """A worker started in a process group of its own, so that kill() reaches exactly its
    main process and its prefork pool processes, and nothing else."""

    def pool_pids(self) -> list[int]:
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(pid) for pid in children.read_text().split()]
        return pids

    def kill(self) -> list[int]:
        """SIGKILL the main process and every pool process at once, as a power cut or the
        OOM killer would: nothing gets to clean up, ack or requeue. Returns the pool pids."""
        pool = self.pool_pids()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WORKER_STOP_TIMEOUT)
        wait_for(lambda: not any(_is_running(pid) for pid in pool), timeout=10,
                 what=f"the pool processes {pool} to die")
        return pool


@pytest.fixture
def worker_factory(celery_worker_process, tmp_path):
    """Start workers of the test's own, which it may SIGKILL and restart: `start(**env)`.

    They consume a queue of their own, and while this fixture is active tasks published by
    the test go to that queue, so the session worker never takes them. Extra keyword
    arguments are environment variables for the worker (e.g. CELERY_TASK_TIME_LIMIT="60").
    Workers still running at the end get a warm shutdown (SIGTERM), then SIGKILL."""
    from django.conf import settings

    from svd_platform.celery import app

    name = settings.DATABASES["default"]["NAME"]
    assert name.startswith("test_"), f"refusing to point a worker at {name!r}"
    session_queue = app.conf.task_default_queue
    run_id = uuid.uuid4().hex[:10]
    queue = f"svd-integration-own-{run_id}"
    _route_tasks_to(queue)
    started: list[KillableWorker] = []

    def start(**extra_env: str) -> KillableWorker:
        number = len(started) + 1
        base = tmp_path / f"worker-{number}"
        mail_dir = base / "mail"
        mail_dir.mkdir(parents=True)
        log_path = base / "worker.log"
        hostname = f"svd-integration-own-{number}-{run_id}@localhost"
        site_url = celery_worker_process.site_url
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "DJANGO_SETTINGS_MODULE": "svd_platform.settings.test",
            "SVD_REAL_WORKER": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "SITE_URL": site_url,
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery), "-A", "svd_platform", "worker", "--pool=prefork",
                   "--concurrency=2", "--without-gossip", "--without-mingle",
                   "--without-heartbeat", "--loglevel=INFO", f"--logfile={log_path}", "-n",
                   hostname, "-Q", queue]
        with open(base / "worker.out", "wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        worker = KillableWorker(process, hostname, queue, log_path, mail_dir, site_url)
        started.append(worker)

        def output() -> str:
            console = (base / "worker.out").read_text(errors="replace")
            return worker.log_tail() + "\n--- worker stdout/stderr ---\n" + console[-4000:]

        wait_for(lambda: process.poll() is not None or "ready." in worker.log(),
                 timeout=WORKER_READY_TIMEOUT, what=f"worker {hostname} to be ready",
                 details=output)
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}\n{output()}")
        return worker

    try:
        yield start
    finally:
        _route_tasks_to(session_queue)
        for worker in started:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
                try:
                    worker.process.wait(timeout=WORKER_STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.process.pid, signal.SIGKILL)
                    worker.process.wait()
