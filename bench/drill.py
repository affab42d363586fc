#!/usr/bin/env python3
"""Fault drills: concurrent reads and editor writes against gunicorn on PostgreSQL.

Three phases, each DRILL_SECONDS long (default 60), against one gunicorn and one
throwaway PostgreSQL cluster that the drill creates on its own port and removes after:

  load        steady reads and admin writes; no request may fail.
  db-restart  PostgreSQL is restarted a third of the way in; requests may fail only
              while it is down, none after it is back, and the app is not restarted.
  worker-kill three times, a gunicorn worker gets SIGKILL; the master must replace it
              each time, and at most the one request each was serving may fail.

Writers log in to the admin as a drill user (right password, so django-axes never locks
it) and add CooperationAreas with unique names, and edit one "ledger" area over and over.
Every acknowledged write (a 302 from the admin) must be in the database at the end, and
the ledger must hold the last acknowledged edit (or a later one whose answer was lost).

After the phases, checks that need several workers (DRILL_CHECKS, default all):

  unpublish   the release page, cached by every worker, answers 404 from all of them on
              the first requests after an editor unpublishes it.
  throttle    the API's per-user budget (60 a minute here) holds across the workers.
  lockout     four wrong passwords for the superuser and a good login as another account,
              three times over, leave the superuser locked; five wrong passwords for one
              editor do not lock another editor at the same address.
  hostile     an editor saving text that once stalled the site gets a form error at once,
              and the page keeps answering.

Run: `make drill` (or `.venv/bin/python bench/drill.py`). Exits non-zero on any lost
write, unexpected failure or failed check. Only loopback traffic; every loop is bounded in time.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

SECONDS = float(os.environ.get("DRILL_SECONDS", "60"))
HTTP_PORT = int(os.environ.get("DRILL_HTTP_PORT", "8731"))
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5433"))
WORKERS = int(os.environ.get("DRILL_WORKERS", "4"))
READERS = int(os.environ.get("DRILL_READERS", "6"))
WRITERS = int(os.environ.get("DRILL_WRITERS", "2"))
PHASES = os.environ.get("DRILL_PHASES", "load,db-restart,worker-kill").split(",")
CHECKS = [c for c in os.environ.get("DRILL_CHECKS", "unpublish,throttle,lockout,hostile").split(",") if c]
USER_THROTTLE = 60
RELEASE = "/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/"
REQUEST_TIMEOUT = 30
KILLS = 3  # workers killed in the worker-kill phase
HOST = "127.0.0.1"
ORIGIN = f"https://{HOST}:{HTTP_PORT}"

# Public pages the readers cycle through; extend with DRILL_EXTRA_URLS (comma-separated).
READ_URLS = [
    "/",
    "/meetings/2015-06-26-jenca-le-luong-minh/",
    "/officials/miroslav-jenca/",
    "/organisations/united-nations/",
    "/areas/maritime-security/",
    "/agreements/joint-declaration-on-comprehensive-partnership/",
    "/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/",
    "/meetings/",
    "/meetings/?area=maritime-security&year=2015",
    "/officials/",
    "/areas/",
    "/search/?q=maritime",
    "/export/meetings.csv",
    "/api/meetings/",
    "/feeds/meetings/",
    "/static/css/site.css",
] + [url for url in os.environ.get("DRILL_EXTRA_URLS", "").split(",") if url]


def log(message: str) -> None:
    print(f"[drill {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the throwaway PostgreSQL cluster -------------------------------------------------


class Cluster:
    """A PostgreSQL cluster in a temporary directory, on its own port, run as postgres."""

    def __init__(self, port: int):
        self.port = port
        self.bin = self._find_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="partnership-drill-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    @staticmethod
    def _find_bin() -> Path:
        if os.environ.get("PG_BIN"):
            return Path(os.environ["PG_BIN"])
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
        if not found:
            sys.exit("drill: no PostgreSQL server binaries (install postgresql)")
        return Path(found[-1]).parent

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST}"
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w", "-t", "60", *args)

    def create(self) -> str:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-instructions")
        self.pg_ctl("start")
        self.run("createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", "drill")
        return f"postgres://postgres@{HOST}:{self.port}/drill"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- HTTP ------------------------------------------------------------------------------


class Failure(Exception):
    pass


def request(method: str, path: str, *, cookies: dict | None = None, form: dict | None = None):
    """One request on a fresh connection (gunicorn's sync workers close each one)."""
    headers = {
        "Host": f"{HOST}:{HTTP_PORT}",
        # As the TLS-terminating proxy would say; production settings redirect plain HTTP.
        "X-Forwarded-Proto": "https",
        "Connection": "close",
    }
    body = None
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = ORIGIN
        headers["Referer"] = ORIGIN + path
    connection = http.client.HTTPConnection(HOST, HTTP_PORT, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        set_cookies = response.msg.get_all("Set-Cookie") or []
        return response.status, response.getheader("Location", ""), content, set_cookies
    finally:
        connection.close()


def update_cookies(cookies: dict, set_cookies: list[str]) -> None:
    for header in set_cookies:
        parsed = SimpleCookie()
        parsed.load(header)
        for key, morsel in parsed.items():
            cookies[key] = morsel.value


def try_login(username: str, password: str) -> tuple[int, dict]:
    """The login form's answer (302 in, 200 wrong password, 429 locked) and the session's cookies."""
    cookies: dict = {}
    status, _, _, set_cookies = request("GET", "/admin/login/", cookies=cookies)
    update_cookies(cookies, set_cookies)
    if status != 200 or "csrftoken" not in cookies:
        raise Failure(f"login page answered {status}")
    form = {
        "csrfmiddlewaretoken": cookies["csrftoken"],
        "username": username,
        "password": password,
        "next": "/admin/",
    }
    status, _, _, set_cookies = request("POST", "/admin/login/", cookies=cookies, form=form)
    update_cookies(cookies, set_cookies)
    return status, cookies


def login(username: str, password: str) -> dict:
    status, cookies = try_login(username, password)
    if status != 302 or "sessionid" not in cookies:
        raise Failure(f"login as {username} answered {status}")
    return cookies


VERSION = re.compile(r'name="version" value="([^"]*)"')


def area_form(cookies: dict, name: str, description: str = "") -> dict:
    return {
        "csrfmiddlewaretoken": cookies["csrftoken"],
        "name": name,
        "slug": "",
        "aliases": "[]",
        "description": description,
        "parent": "",
        "_save": "Save",
    }


# --- the load --------------------------------------------------------------------------


@dataclass
class Outcome:
    started: float
    finished: float
    ok: bool
    kind: str
    detail: str = ""


@dataclass
class Phase:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)
    fault_started: float | None = None
    fault_ended: float | None = None
    notes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def failures_after_fault(self) -> list[Outcome]:
        end = self.fault_ended or 0
        return [o for o in self.failures if o.started > end]


@dataclass
class Writes:
    """What the writers were told: acknowledged names and the ledger's edits."""

    acknowledged: set[str] = field(default_factory=set)
    unacknowledged: set[str] = field(default_factory=set)
    ledger: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def timed(phase: Phase, kind: str, call) -> tuple[bool, object]:
    started = time.monotonic()
    try:
        ok, detail, value = call()
    except (OSError, http.client.HTTPException) as error:
        ok, detail, value = False, f"{type(error).__name__}: {error}", None
    phase.record(Outcome(started, time.monotonic(), ok, kind, detail))
    return ok, value


def reader(phase: Phase, stop: float, offset: int) -> None:
    n = offset
    while time.monotonic() < stop:
        url = READ_URLS[n % len(READ_URLS)]
        n += 1

        def call(url=url):
            status, _, _, _ = request("GET", url)
            return status == 200, f"GET {url} {status}", None

        timed(phase, "read", call)


def writer(phase: Phase, stop: float, writes: Writes, index: int, cookies: dict, ledger_pk: int, run: str) -> None:
    n = 0
    while time.monotonic() < stop:
        n += 1
        if n % 4 == 0:  # every fourth write is an edit of the writer's ledger area
            text = f"{phase.name} rev {n}"
            path = f"/admin/partnership/cooperationarea/{ledger_pk}/change/"
            form = area_form(cookies, f"Drill ledger {run}-{index}", text)
        else:
            text = f"Drill {run}-{phase.name}-{index}-{n}"
            path = "/admin/partnership/cooperationarea/add/"
            form = area_form(cookies, text)

        def call(path=path, form=form):
            if path.endswith("/change/"):
                # As an editor does: open the form, then save it with the version it was opened at
                # (the admin refuses a save over someone else's newer one:
                # docs/decisions/0005-history-and-concurrency.md).
                status, _, body, _ = request("GET", path, cookies=cookies)
                version = VERSION.search((body or b"").decode("utf-8", "replace"))
                if status != 200 or not version:
                    return False, f"GET {path} {status} (no version field)", None
                form = {**form, "version": version.group(1)}
            status, location, _, _ = request("POST", path, cookies=cookies, form=form)
            ok = status == 302 and "/login/" not in location and not location.endswith(("/add/", "/change/"))
            return ok, f"POST {path} {status} {location}", None

        ok, _ = timed(phase, "write", call)
        with writes.lock:
            if path.endswith("/change/"):
                writes.ledger[ledger_pk].append((text, ok))
            elif ok:
                writes.acknowledged.add(text)
            else:
                writes.unacknowledged.add(text)


def run_phase(name: str, fault, writes: Writes, sessions: list, run: str) -> Phase:
    phase = Phase(name)
    start = time.monotonic()
    stop = start + SECONDS
    threads = [threading.Thread(target=reader, args=(phase, stop, i * 3), daemon=True) for i in range(READERS)]
    threads += [
        threading.Thread(target=writer, args=(phase, stop, writes, i, cookies, pk, run), daemon=True)
        for i, (cookies, pk) in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    if fault:
        time.sleep(SECONDS / 3)
        fault(phase)
    for thread in threads:
        thread.join(timeout=SECONDS + REQUEST_TIMEOUT * 2)
    log(f"{name}: {len(phase.outcomes)} requests, {len(phase.failures)} failed")
    return phase


# --- checks that need several workers --------------------------------------------------


def concurrently(count: int, path: str, cookies: dict | None = None) -> list[int]:
    """count GETs of path, four at a time on new connections, so every worker takes some."""
    statuses: list[int] = []
    lock = threading.Lock()

    def get() -> None:
        for _ in range(count // 4):
            status = request("GET", path, cookies=cookies)[0]
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=get) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT * count)
    return statuses


def release_action(cookies: dict, pk: int, action: str) -> int:
    form = {"csrfmiddlewaretoken": cookies["csrftoken"], "action": action, "_selected_action": str(pk), "index": "0"}
    return request("POST", "/admin/partnership/pressrelease/", cookies=cookies, form=form)[0]


def check_unpublish(context: dict) -> list[str]:
    problems = []
    warm = concurrently(8 * WORKERS, RELEASE)
    if set(warm) != {200}:
        problems.append(f"before: the release answered {sorted(set(warm))}")
    cookies = login("drill", context["password"])
    if release_action(cookies, context["release_pk"], "unpublish") != 302:
        problems.append("the unpublish action was not acknowledged")
    after = concurrently(40, RELEASE)
    if set(after) != {404}:
        problems.append(f"after unpublishing: {after.count(200)} of {len(after)} requests still got the release")
    release_action(cookies, context["release_pk"], "publish")
    return problems


def check_throttle(context: dict) -> list[str]:
    cookies = login("drill", context["password"])
    statuses = [request("GET", "/api/areas/", cookies=cookies)[0] for _ in range(USER_THROTTLE + 40)]
    if statuses.count(200) != USER_THROTTLE or statuses.count(429) != 40:
        return [f"{statuses.count(200)} answered, {statuses.count(429)} throttled; the budget is {USER_THROTTLE}"]
    return []


def check_lockout(context: dict) -> list[str]:
    problems, password = [], context["password"]
    for _ in range(3):
        for _ in range(4):
            try_login("drill", "guess")
        if try_login("ana", password)[0] != 302:
            problems.append("ana could not log in between the guesses")
    if try_login("drill", password)[0] != 429:
        problems.append("the superuser is not locked after twelve guesses between good logins of another account")
    for _ in range(5):
        try_login("ben", "typo")
    if try_login("ben", password)[0] != 429:
        problems.append("ben is not locked after five wrong passwords")
    if try_login("ana", password)[0] != 302:
        problems.append("ben's wrong passwords locked ana, at the same address")
    return problems


def check_hostile(context: dict) -> list[str]:
    problems = []
    cookies = login("ana", context["password"])
    path = f"/admin/partnership/pressrelease/{context['release_pk']}/change/"
    status, _, body, _ = request("GET", path, cookies=cookies)
    page = (body or b"").decode("utf-8", "replace")
    fields = dict(re.findall(r'<input type="(?:text|url|hidden|number)" name="([^"]+)" value="([^"]*)"', page))
    for hostile in ["[a](" * 240_000, "x\n\n" * 333_333, "<div>" * 100_000]:
        started = time.monotonic()
        status, _, answer, _ = request("POST", path, cookies=cookies, form={**fields, "body": hostile})
        seconds = time.monotonic() - started
        if status != 200 or b"the most allowed is" not in (answer or b""):
            problems.append(f"a hostile body ({hostile[:6]!r}...) answered {status} without the form error")
        elif seconds > 10:
            problems.append(f"a hostile body ({hostile[:6]!r}...) took {seconds:.1f} s to refuse")
    if request("GET", RELEASE)[0] != 200:
        problems.append("the release page stopped answering")
    return problems


CHECK_FUNCTIONS = {
    "unpublish": check_unpublish,
    "throttle": check_throttle,
    "lockout": check_lockout,
    "hostile": check_hostile,
}


# --- gunicorn --------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict, logdir: Path):
        self.env = env
        self.logdir = logdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.output = open(self.logdir / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "partnership.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request("GET", "/")[0] == 200 and len(self.workers()) == WORKERS:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise Failure(f"gunicorn exited with {self.process.returncode}; see {self.logdir / 'gunicorn.log'}")
            time.sleep(0.3)
        raise Failure("gunicorn did not start in 60 s")

    def workers(self) -> list[int]:
        """The master's children: its workers."""
        pids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.split("/")[2]))
        return sorted(pids)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process:
            self.output.close()


# --- the drill -------------------------------------------------------------------------


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True)


def main() -> int:
    run = secrets.token_hex(3)
    cluster = Cluster(PG_PORT)
    server = None
    phases: list[Phase] = []
    checks: dict[str, list[str]] = {}
    writes = Writes()
    try:
        log(f"PostgreSQL cluster on port {PG_PORT} in {cluster.dir} ({cluster.bin})")
        database_url = cluster.create()
        password = secrets.token_urlsafe(24)
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "SECURE_PROXY_SSL_HEADER": "true",
            "PORT": str(HTTP_PORT),
            "HOST": HOST,
            "WEB_CONCURRENCY": str(WORKERS),
            "GUNICORN_ACCESS_LOG": str(cluster.dir / "access.log"),
            # The readers are one client; the API's per-client limit would answer them 429.
            "API_THROTTLE_ANON": "1000000/minute",
            "API_THROTTLE_USER": f"{USER_THROTTLE}/minute",
            "DJANGO_SUPERUSER_USERNAME": "drill",
            "DJANGO_SUPERUSER_EMAIL": "drill@localhost",
            "DJANGO_SUPERUSER_PASSWORD": password,
            "DRILL_PASSWORD": password,
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_dataset", "fixtures/asean-un-2015.json")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "createsuperuser", "--noinput")
        # Two staff accounts with the drill's password, for the lockout checks.
        manage(
            env,
            "shell",
            "-c",
            "import os; from django.contrib.auth.models import User\n"
            "for name in ['ana', 'ben']: User.objects.create_user(name, password=os.environ['DRILL_PASSWORD'], "
            "is_staff=True, is_superuser=True)",
        )
        server = Server(env, cluster.dir)
        server.start()
        log(f"gunicorn on {HOST}:{HTTP_PORT} with {WORKERS} workers; {READERS} readers, {WRITERS} writers")

        import psycopg  # the drill runs in the project's virtualenv

        sessions = []
        for index in range(WRITERS):
            cookies = login("drill", password)
            name = f"Drill ledger {run}-{index}"
            status, location, _, _ = request(
                "POST", "/admin/partnership/cooperationarea/add/", cookies=cookies, form=area_form(cookies, name)
            )
            if status != 302:
                raise Failure(f"could not create the ledger area: {status} {location}")
            with psycopg.connect(database_url) as db:
                pk = db.execute("SELECT id FROM partnership_cooperationarea WHERE name = %s", [name]).fetchone()[0]
            writes.ledger[pk] = []
            sessions.append((cookies, pk))

        def restart_database(phase: Phase) -> None:
            phase.fault_started = time.monotonic()
            cluster.pg_ctl("-m", "fast", "restart")
            phase.fault_ended = time.monotonic()
            phase.notes.append(f"PostgreSQL down and back in {phase.fault_ended - phase.fault_started:.1f} s")

        def kill_worker(phase: Phase) -> None:
            """SIGKILL a worker, three times over, each time waiting for the master to replace it."""
            phase.fault_started = time.monotonic()
            for kill in range(KILLS):
                if kill:
                    time.sleep(SECONDS / (3 * KILLS))
                victim = server.workers()[kill % WORKERS]
                killed = time.monotonic()
                os.kill(victim, signal.SIGKILL)
                deadline = killed + 30
                while time.monotonic() < deadline:
                    now = server.workers()
                    if victim not in now and len(now) == WORKERS:
                        break
                    time.sleep(0.05)
                now = server.workers()
                replaced = victim not in now and len(now) == WORKERS
                phase.notes.append(
                    f"worker {victim} killed; master {'replaced it' if replaced else 'DID NOT replace it'} "
                    f"in {time.monotonic() - killed:.2f} s"
                )
                if not replaced:
                    phase.notes.append("FAIL: worker not replaced")
            phase.fault_ended = time.monotonic()

        faults = {"load": None, "db-restart": restart_database, "worker-kill": kill_worker}
        for name in PHASES:
            phases.append(run_phase(name, faults[name], writes, sessions, run))
        if server.process.poll() is not None:
            raise Failure("gunicorn master died during the drill")

        with psycopg.connect(database_url) as db:
            release_pk = db.execute("SELECT id FROM partnership_pressrelease ORDER BY id LIMIT 1").fetchone()[0]
        context = {"password": password, "release_pk": release_pk}
        for name in CHECKS:
            checks[name] = CHECK_FUNCTIONS[name](context)
            log(f"check {name}: {'ok' if not checks[name] else '; '.join(checks[name])}")

        with psycopg.connect(database_url) as db:
            present = {row[0] for row in db.execute("SELECT name FROM partnership_cooperationarea")}
            ledgers = dict(
                db.execute(
                    "SELECT id, description FROM partnership_cooperationarea WHERE id = ANY(%s)", [list(writes.ledger)]
                )
            )
    except Failure as error:
        log(f"FAILED to run: {error}")
        return 2
    finally:
        if server:
            server.stop()
        cluster.remove()

    return report(phases, writes, present, ledgers, checks)


def report(phases: list[Phase], writes: Writes, present: set[str], ledgers: dict, checks: dict) -> int:
    lost = sorted(writes.acknowledged - present)
    lost_edits = 0
    for pk, edits in writes.ledger.items():
        acknowledged = [i for i, (_, ok) in enumerate(edits) if ok]
        if acknowledged:
            allowed = {text for text, _ in edits[acknowledged[-1] :]}
            if ledgers.get(pk) not in allowed:
                lost_edits += 1
                log(f"ledger {pk}: holds {ledgers.get(pk)!r}, last acknowledged {edits[acknowledged[-1]][0]!r}")
    acknowledged_edits = sum(ok for edits in writes.ledger.values() for _, ok in edits)
    ok = not lost and not lost_edits

    print()
    print(f"{'phase':<12} {'requests':>9} {'reads':>7} {'writes':>7} {'failed':>7} {'after fault':>12}  verdict")
    for phase in phases:
        reads = sum(o.kind == "read" for o in phase.outcomes)
        failed = len(phase.failures)
        after = len(phase.failures_after_fault()) if phase.fault_ended else failed
        if phase.name == "load":
            verdict = failed == 0
        elif phase.name == "db-restart":
            verdict = after == 0
        else:  # a killed sync worker loses at most the one request it was serving
            verdict = failed <= KILLS and not any(note.startswith("FAIL") for note in phase.notes)
        ok = ok and verdict
        print(
            f"{phase.name:<12} {len(phase.outcomes):>9} {reads:>7} {len(phase.outcomes) - reads:>7} "
            f"{failed:>7} {after if phase.fault_ended else '-':>12}  {'ok' if verdict else 'FAIL'}"
        )
        if phase.failures and phase.fault_started:
            first = min(o.started for o in phase.failures) - phase.fault_started
            last = max(o.finished for o in phase.failures) - phase.fault_started
            phase.notes.append(f"failed requests from {first:+.1f} s to {last:+.1f} s around the fault's start")
        for note in phase.notes:
            print(f"{'':<12} {note}")
        for failure in phase.failures[:5]:
            print(f"{'':<12} failed: {failure.detail}")
    for name, problems in checks.items():
        ok = ok and not problems
        print(f"check {name:<6} {'ok' if not problems else 'FAIL'}")
        for problem in problems:
            print(f"{'':<12} {problem}")
    durations: dict[str, list[float]] = {}
    for phase in phases:
        for o in phase.outcomes:
            durations.setdefault(" ".join(o.detail.split()[:2]), []).append(o.finished - o.started)
    print()
    print("slowest requests (mean, max, count):")
    for name, times in sorted(durations.items(), key=lambda item: -sum(item[1]) / len(item[1]))[:5]:
        print(f"  {sum(times) / len(times):6.3f} s {max(times):6.2f} s {len(times):6}  {name}")
    unacknowledged_present = len(writes.unacknowledged & present)
    print()
    print(f"acknowledged adds: {len(writes.acknowledged)}, present afterwards: {len(writes.acknowledged & present)}")
    print(f"acknowledged edits: {acknowledged_edits}, ledgers holding their last edit: {len(ledgers) - lost_edits}")
    print(
        f"unacknowledged adds: {len(writes.unacknowledged)} "
        f"({unacknowledged_present} committed though the answer was lost)"
    )
    print(f"writes lost: {len(lost) + lost_edits}")
    summary = {
        "seconds_per_phase": SECONDS,
        "phases": {p.name: {"requests": len(p.outcomes), "failed": len(p.failures), "notes": p.notes} for p in phases},
        "acknowledged_adds": len(writes.acknowledged),
        "acknowledged_edits": acknowledged_edits,
        "writes_lost": len(lost) + lost_edits,
        "checks": checks,
    }
    out = ROOT / "bench" / "work"
    out.mkdir(parents=True, exist_ok=True)
    (out / "drill-result.json").write_text(json.dumps(summary, indent=2))
    print("DRILL", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
