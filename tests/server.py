"""A real production server for tests: gunicorn with several workers and DEBUG off, over plain
HTTP as in the local rehearsal (`make serve-prod-local`), on its own SQLite file."""

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SUPERUSER = ("root", secrets.token_urlsafe(16))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProductionServer:
    def __init__(self, directory: Path, *, workers: int = 4, **env: str):
        self.directory = directory
        self.workers = workers
        self.port = free_port()
        self.database = directory / "db.sqlite3"
        self.env = {
            **{key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CACHE"}},
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{self.database}",
            # Plain HTTP, as the rehearsal runs; HSTS stays configured, to show it is never claimed.
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "WEB_CONCURRENCY": str(workers),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "GUNICORN_ACCESS_LOG": str(directory / "access.log"),
            "DJANGO_SUPERUSER_USERNAME": SUPERUSER[0],
            "DJANGO_SUPERUSER_EMAIL": "root@localhost",
            "DJANGO_SUPERUSER_PASSWORD": SUPERUSER[1],
            **env,
        }
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, timeout=300, capture_output=True)
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr.decode()[-3000:]}")

    def start(self) -> "ProductionServer":
        self.manage("migrate", "--noinput")
        self.manage("load_dataset", "fixtures/asean-un-2015.json")
        self.manage("createsuperuser", "--noinput")
        self.manage("collectstatic", "--noinput", "-v0")
        self.stderr = open(self.directory / "stderr.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "partnership.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )
        # Each worker imports the app on its first request, which takes a while on a busy machine.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            booted = self.log().count("Booting worker")
            try:
                if booted >= self.workers and requests.get(self.url("/"), timeout=60).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start in 180 s:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process:
            self.stderr.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, **kwargs) -> requests.Response:
        """A GET on a new connection, so any worker may take it."""
        return requests.get(self.url(path), headers={"Connection": "close", **kwargs.pop("headers", {})}, **kwargs)

    def log(self) -> str:
        """What gunicorn and the app wrote to stderr."""
        path = self.directory / "stderr.log"
        return path.read_text() if path.exists() else ""

    def json_log(self) -> list[dict]:
        """The app's JSON log lines (gunicorn's own lines are plain text)."""
        return [json.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def worker_pids(self, path: str) -> set[str]:
        """The workers that answered requests for path, from the access log."""
        log = (self.directory / "access.log").read_text()
        return set(re.findall(rf'"GET {re.escape(path)} [^"]*" .* pid=<?(\d+)', log))

    def from_several_workers(self, path: str, ask, rounds: int = 10) -> list:
        """ask()'s responses, asked again until at least two workers have answered path: on a busy
        machine one worker can take every request of a round, and the tests need the page kept by several."""
        for _ in range(rounds):
            responses = ask()
            if len(self.worker_pids(path)) >= 2:
                break
        return responses

    def sql(self, query: str, *params):
        with sqlite3.connect(self.database) as db:
            return db.execute(query, params).fetchall()

    def login(self, username: str, password: str, session: requests.Session | None = None) -> requests.Response:
        """An admin login through the form, as a browser posts it; the session keeps its cookies."""
        session = session or requests.Session()
        session.get(self.url("/admin/login/"))
        response = session.post(
            self.url("/admin/login/"),
            data={
                "csrfmiddlewaretoken": session.cookies["csrftoken"],
                "username": username,
                "password": password,
                "next": "/admin/",
            },
            headers={"Referer": self.url("/admin/login/")},
            allow_redirects=False,
        )
        response.session = session
        return response
