"""The benchmark, run by `make bench`.

Seeds PostgreSQL at BENCH_MEETINGS meetings (skipped when already at that scale), exports
the same public meetings to SQLite for Datasette as a Datasette user would build it, serves
the app with gunicorn (DEBUG off, persistent connections) and Datasette on loopback ports,
drives every page with wrk from this machine, and prints the tables: throughput as a ratio
to B (a minimal view through the same middleware and server) and, like with like, to
Datasette's same filtered page; latency percentiles; query counts; the search plan; mixed
traffic while an editor saves every 5 seconds; and the CSV export's first byte, total time
and worker memory. The tables and the machine's description go to
bench/results/<date>-<meetings>.md. It measures and reports; it asserts nothing.

Phases, each a fresh gunicorn:
  cached     the production configuration: whole pages cached for anonymous visitors; the
             busiest public pages again as a signed-in editor gets them.
  rendered   PAGE_CACHE=false: the view and template run on every request; counts and
             facets still come from the cache.
  uncached   bench/uncached_settings.py: nothing cached at all (a dummy cache), so each
             request computes what it shows; only what the database maintains on write is
             read ready-made. This is the phase compared with Datasette.
  mixes      the production configuration under a hot mix and a long tail of URLs, each
             without and with an editor saving through the admin every 5 seconds
             (bench/mix.py).

Settings (environment): BENCH_MEETINGS (200000), BENCH_SECONDS per page (10),
BENCH_MIX_SECONDS per mix phase (60), BENCH_CONNECTIONS (4), BENCH_WORKERS (gunicorn
workers, 2 × cores + 1), BENCH_PG (postgres://root@127.0.0.1:5432), BENCH_DB
(partnership_bench), BENCH_PORT (8600; Datasette uses the next port), BENCH_REDIS_URL
(default: Redis database 6 on 127.0.0.1:6379 when it answers, else the local-memory cache;
empty for local memory: then an editor's save in one worker is not seen by the others).
"""

import contextlib
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import mix  # noqa: E402 - needs ROOT on the path when run as a script

WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

MEETINGS = int(os.environ.get("BENCH_MEETINGS", "200000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
MIX_SECONDS = int(os.environ.get("BENCH_MIX_SECONDS", "60"))
# Pages that take a second or more each need longer runs to complete enough requests to measure.
SLOW_SECONDS = max(SECONDS, 30)
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PG = os.environ.get("BENCH_PG", "postgres://root@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB", "partnership_bench")
PORT = int(os.environ.get("BENCH_PORT", "8600"))
DS_PORT = PORT + 1
HOST = "127.0.0.1"

APP_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "CONN_MAX_AGE": "600",
    "BENCH_BASELINE": "1",
    # Served over plain HTTP on loopback, as behind a TLS-terminating proxy.
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    # No worker recycling in the middle of a measurement; a 100,000-row export outlasts the
    # production worker timeout of 30 s (reported in the results).
    "GUNICORN_MAX_REQUESTS": "0",
    "GUNICORN_TIMEOUT": os.environ.get("BENCH_GUNICORN_TIMEOUT", "600"),
    "DJANGO_SETTINGS_MODULE": "partnership.settings",
}


def _redis_url() -> str:
    """BENCH_REDIS_URL, else Redis on its usual local port when one answers (database 6), else none."""
    if "BENCH_REDIS_URL" in os.environ:
        return os.environ["BENCH_REDIS_URL"]
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return "redis://127.0.0.1:6379/6" if sock.connect_ex(("127.0.0.1", 6379)) == 0 else ""


if _redis_url():
    APP_ENV["REDIS_URL"] = _redis_url()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*args, env=None, **kwargs):
    return subprocess.run(args, check=True, cwd=ROOT, env={**os.environ, **(env or {})}, **kwargs)


# -- the database ---------------------------------------------------------------------------


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
            log(f"created database {DB_NAME}")


def setup_django():
    os.environ.update(APP_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed() -> None:
    from bench.synthetic import seed as generate
    from partnership.models import Meeting

    if Meeting.objects.count() == MEETINGS:
        log(f"database already holds {MEETINGS} meetings: not seeding again")
        from django.db import connection

        with connection.cursor() as cursor:
            # Statistics for indexes a later migration added; GIN pending lists merged (bench/synthetic.py).
            cursor.execute("VACUUM ANALYZE")
        return
    log(f"seeding {MEETINGS} meetings ...")
    started = time.perf_counter()
    generate(meetings=MEETINGS, replace=True)
    log(f"seeded in {time.perf_counter() - started:.0f} s")
    (WORK / f"datasette-{DB_NAME}-{MEETINGS}.db").unlink(missing_ok=True)


# -- Datasette's copy -------------------------------------------------------------------------


def export_sqlite() -> Path:
    """The same public meetings in SQLite, built as a Datasette user would for this page.

    A meeting–area link table with foreign keys, indexed on the area, so a list filtered by
    area is `?_through=` (an indexed join) rather than a scan of JSON arrays; the facets our
    page shows (areas with their pillars, officials, organisations, agreements, kind, year)
    as columns and JSON arrays for `_facet` and `_facet_array`, Datasette's way to facet on
    many-to-many; an index for the date order both lists use.
    """
    from django.db import connection

    path = WORK / f"datasette-{DB_NAME}-{MEETINGS}-v2.db"
    if path.exists():
        return path
    log("exporting meetings to SQLite for Datasette ...")
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(
        """
        CREATE TABLE areas (id INTEGER PRIMARY KEY, name TEXT, slug TEXT, parent_id INTEGER REFERENCES areas(id));
        CREATE TABLE meetings (id INTEGER PRIMARY KEY, title TEXT, slug TEXT, date TEXT, year INTEGER, kind TEXT,
            venue TEXT, city TEXT, areas TEXT, officials TEXT, organisations TEXT, agreements TEXT);
        CREATE TABLE meeting_areas (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL REFERENCES meetings(id),
            area_id INTEGER NOT NULL REFERENCES areas(id));
        """
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, slug, parent_id FROM partnership_cooperationarea")
        db.executemany("INSERT INTO areas VALUES (?, ?, ?, ?)", cursor.fetchall())
        # Areas with their ancestors, so a pillar's count covers the meetings of its areas, as on our page.
        cursor.execute(
            """
            SELECT m.id, m.title, m.slug, m.date::text, extract(year FROM m.date)::int, m.kind, m.venue, m.city,
              (SELECT json_agg(DISTINCT a.name) FROM partnership_meetingarea ma
                 JOIN partnership_cooperationarea child ON child.id = ma.area_id
                 JOIN partnership_cooperationarea a ON a.id IN (child.id, child.parent_id)
                 WHERE ma.meeting_id = m.id)::text,
              (SELECT json_agg(o.name ORDER BY o.name) FROM partnership_participation p
                 JOIN partnership_official o ON o.id = p.official_id WHERE p.meeting_id = m.id)::text,
              (SELECT json_agg(o.name ORDER BY o.name) FROM partnership_meetingorganisation mo
                 JOIN partnership_organisation o ON o.id = mo.organisation_id WHERE mo.meeting_id = m.id)::text,
              (SELECT json_agg(g.title ORDER BY g.title) FROM partnership_meetingagreement mg
                 JOIN partnership_agreement g ON g.id = mg.agreement_id WHERE mg.meeting_id = m.id)::text
            FROM partnership_meeting m JOIN partnership_pressrelease r ON r.id = m.source_id
            WHERE r.status = 'published'
            """
        )
        while rows := cursor.fetchmany(20000):
            db.executemany(
                "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row[:8], *(value or "[]" for value in row[8:])) for row in rows],
            )
        cursor.execute(
            "SELECT ma.id, ma.meeting_id, ma.area_id FROM partnership_meetingarea ma"
            " JOIN partnership_meeting m ON m.id = ma.meeting_id"
            " JOIN partnership_pressrelease r ON r.id = m.source_id WHERE r.status = 'published'"
        )
        while rows := cursor.fetchmany(50000):
            db.executemany("INSERT INTO meeting_areas VALUES (?, ?, ?)", rows)
    db.executescript(
        """
        CREATE INDEX meeting_areas_area ON meeting_areas (area_id);
        CREATE INDEX meeting_areas_meeting ON meeting_areas (meeting_id);
        CREATE INDEX meetings_date ON meetings (date DESC, id DESC);
        CREATE INDEX meetings_year ON meetings (year);
        CREATE INDEX meetings_kind ON meetings (kind);
        """
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()
    tmp.rename(path)
    return path


# The facets of our /meetings/ page, in Datasette's terms.
DATASETTE_FACETS = (
    "_facet_array=areas&_facet_array=officials&_facet_array=organisations&_facet_array=agreements"
    "&_facet=kind&_facet=year&_sort_desc=date"
)


def datasette_area_path(area_id: int, fmt: str = "") -> str:
    through = json.dumps({"table": "meeting_areas", "column": "area_id", "value": str(area_id)})
    return f"/{DATASETTE_DB}/meetings{fmt}?_through={quote(through)}&{DATASETTE_FACETS}"


def datasette_check(path: str) -> str:
    """Whether Datasette's answer is whole: a 200 with every facet computed, none timed out."""
    conn = http.client.HTTPConnection(HOST, DS_PORT, timeout=300)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        return f"HTTP {response.status}"
    data = json.loads(body)
    timed_out = data.get("facets_timed_out") or []
    facets = sorted((data.get("facet_results") or {}).keys())
    rows = len(data.get("rows") or [])
    return f"200, {rows} rows, {data.get('filtered_table_rows_count')} matches, facets {facets}, timed out {timed_out}"


# -- servers ----------------------------------------------------------------------------------


def wait_for(port: int, path: str = "/", timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port}")


def read_into_page_cache() -> None:
    """Every table and index of the benchmark's database read into the operating system's page
    cache (pg_prewarm, 'read' mode). A host that reclaims its page cache within minutes
    otherwise decides which of two runs waits on the disk: 25 list rows took 65 ms to read cold
    and under 1 ms cached. Needs the contrib extension pg_prewarm (Debian's postgresql package)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c "
            "WHERE c.relkind IN ('r', 'i', 't', 'm') AND c.relpersistence = 'p'"
        )


@contextlib.contextmanager
def kept_in_page_cache(every: float = 15.0):
    """The database read into the page cache (read_into_page_cache) before the block, and again
    every `every` seconds while it runs: on a host that reclaims its page cache within a minute,
    one reading before a 40-second run left its second half on the disk."""
    from django.db import connection

    read_into_page_cache()
    done = threading.Event()

    def keep():
        try:
            while not done.wait(every):
                read_into_page_cache()
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=keep, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


def start_app(**extra_env):
    if not port_free(PORT):
        raise SystemExit(f"port {PORT} is taken: set BENCH_PORT to a free pair of ports")
    args = [str(Path(PYTHON).parent / "gunicorn"), "partnership.wsgi", "--bind", f"{HOST}:{PORT}"]
    args += ["--workers", str(WORKERS)]
    if (ROOT / "gunicorn.conf.py").exists():
        args += ["--config", str(ROOT / "gunicorn.conf.py")]
    app_log = open(WORK / "gunicorn.log", "a")  # noqa: SIM115 - lives as long as the server
    app = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **APP_ENV, **extra_env}, stdout=app_log, stderr=app_log)
    wait_for(PORT, "/bench/baseline/")
    return app


def start_datasette(sqlite_path: Path):
    from partnership.filters import FACET_LIMIT

    if not port_free(DS_PORT):
        raise SystemExit(f"port {DS_PORT} is taken: set BENCH_PORT to a free pair of ports")
    ds_log = open(WORK / "datasette.log", "w")  # noqa: SIM115
    datasette = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "datasette"),
            "serve",
            "--immutable",
            str(sqlite_path),
            "-h",
            HOST,
            "-p",
            str(DS_PORT),
            # As our page: 25 rows, no suggested facets, the same facet length; and time limits
            # high enough that every facet is computed (a facet past its limit is silently left out).
            *("--setting", "default_page_size", "25"),
            *("--setting", "suggest_facets", "off"),
            *("--setting", "default_facet_size", str(FACET_LIMIT)),
            *("--setting", "sql_time_limit_ms", "60000"),
            *("--setting", "facet_time_limit_ms", "60000"),
        ],
        cwd=WORK,
        stdout=ds_log,
        stderr=ds_log,
    )
    wait_for(DS_PORT, "/")
    return datasette


def stop(process) -> None:
    process.terminate()
    process.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+)", status)
    return int(match.group(1)) if match else 0


# -- measuring --------------------------------------------------------------------------------


def warm(url: str, headers: dict | None = None) -> None:
    """One request before measuring, so wrk measures the warm state (the cold cost is reported apart)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
    conn.getresponse().read()


def wrk(url: str, headers: dict | None = None, seconds: int = SECONDS) -> dict:
    warm(url, headers)
    args = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "--timeout", "60s"]
    args += ["-s", str(ROOT / "bench" / "wrk_report.lua")]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    data = json.loads(output.split("WRKJSON ", 1)[1].splitlines()[0])
    # Only answers that are 2xx or 3xx count as throughput: a 400 or 500 (Datasette past its
    # SQL time limit, say) is quick to send and would flatter whoever sends it.
    data["rps"] = (data["requests"] - data["non2xx"]) / (data["duration_us"] / 1e6)
    return data


def query_counts(path: str, client) -> dict:
    """Queries and time of a request with an empty cache (cold), then rendered again with counts and
    facets cached but no whole-page cache (rendered), then served from the page cache (hit)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    cache.clear()
    result = {}
    for label, page_cache in (("cold", False), ("rendered", False), ("hit", True)):
        with override_settings(PAGE_CACHE=page_cache), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            if getattr(response, "streaming", False):
                for _ in response.streaming_content:
                    pass
            elapsed = time.perf_counter() - started
        result[label] = len(queries)
        result[f"{label}_ms"] = elapsed * 1000
        result["status"] = response.status_code
        if label == "cold":
            client.get(path)  # fills the page cache for "hit"
    return result


def measure_export(path: str, master: int) -> dict:
    """Time to first byte, total time, rows and the worker's peak memory growth for one CSV download."""
    pids = worker_pids(master)
    before = {pid: rss_kb(pid) for pid in pids}
    peak = dict(before)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_kb(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, PORT, timeout=300)
    conn.request("GET", path)
    response = conn.getresponse()
    first = response.read(1)
    ttfb = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    error = ""
    try:
        while chunk := response.read(65536):
            size += len(chunk)
            lines += chunk.count(b"\n")
    except http.client.IncompleteRead as exc:
        size += len(exc.partial)
        lines += exc.partial.count(b"\n")
        error = "cut short (the worker was stopped: see bench/work/gunicorn.log)"
    total = time.perf_counter() - started
    stop.set()
    sampler.join()
    growth = max(peak[pid] - before[pid] for pid in pids) if pids else 0
    return {
        "status": response.status,
        "rows": max(lines - 1, 0),
        "bytes": size,
        "ttfb_s": ttfb,
        "total_s": total,
        "peak_rss_mb": max(peak.values(), default=0) / 1024,
        "growth_mb": growth / 1024,
        "error": error,
    }


# -- what to measure ---------------------------------------------------------------------------


def choose_targets() -> dict:
    """Real slugs from the seeded data: a typical meeting, the busiest official and area, a small area."""
    from django.db.models import Count

    from partnership.models import CooperationArea, Meeting, Official

    meetings = Meeting.objects.public().order_by("pk")
    typical = meetings[meetings.count() // 2]
    busiest_official = Official.objects.annotate(n=Count("participations")).order_by("-n").first()
    typical_official = Official.objects.order_by("pk")[Official.objects.count() // 2]
    areas = list(
        CooperationArea.objects.filter(parent__isnull=False).annotate(n=Count("meeting_links")).order_by("-n", "pk")
    )
    busiest_area = areas[0]
    # An area with no meeting (a vocabulary concept the synthetic data never uses) exports nothing.
    small_area = min((area for area in areas if area.n), key=lambda area: abs(area.n - 1000))
    year = Meeting.objects.filter(area_links__area=busiest_area).dates("date", "year", order="DESC")[1].year
    return {
        "meeting": typical,
        "official": typical_official,
        "busiest_official": busiest_official,
        "area": busiest_area,
        "small_area": small_area,
        "year": year,
    }


def exists(client, path: str) -> bool:
    return client.get(path).status_code == 200


def pages(targets: dict, client) -> list[tuple[str, str]]:
    """(label, path) for every page that exists in this build."""
    area, official, year = targets["area"], targets["busiest_official"], targets["year"]
    candidates = [
        ("home", "/"),
        ("meeting detail", targets["meeting"].get_absolute_url()),
        ("official detail (typical)", targets["official"].get_absolute_url()),
        ("official detail (busiest)", official.get_absolute_url()),
        ("/meetings/ unfiltered", "/meetings/"),
        (ONE_AREA, f"/meetings/?area={area.slug}"),
        ("/meetings/ area + year", f"/meetings/?area={area.slug}&year={year}"),
        ("/meetings/ area + official", f"/meetings/?area={area.slug}&official={official.slug}"),
        ("search: common term", "/search/?q=cooperation"),
        ("search: rare term", "/search/?q=peatland"),
    ]
    found = [page for page in candidates if exists(client, page[1])]
    late = late_page_path(client, "/meetings/")
    if late:
        found.insert(5, ("/meetings/ late page", late))
    return found


ONE_AREA = "/meetings/ one area"
# The pages measured with nothing cached: the lists and search, whose cost is what a cache hides.
UNCACHED_PAGES = {"/meetings/ unfiltered", ONE_AREA, "/meetings/ area + year", "search: common term"}
# The public pages measured again as a signed-in editor gets them (production configuration).
SIGNED_IN_PAGES = {"meeting detail", "official detail (busiest)", "/meetings/ unfiltered", ONE_AREA}
DATASETTE_DB = ""


def late_page_path(client, path: str) -> str | None:
    """The deepest page the list offers ("Page 1 of N")."""
    response = client.get(path)
    match = re.search(r"Page 1 of (\d+)", response.text) if response.status_code == 200 else None
    return f"{path}?page={match.group(1)}" if match and match.group(1) != "1" else None


def explain_search(term: str) -> tuple[str, bool]:
    """The search page's query for meetings, EXPLAIN ANALYZE, and whether it reads the stored-vector index."""
    from django.db import connection

    from partnership import search
    from partnership.models import Meeting

    if connection.vendor != "postgresql":
        return "(not PostgreSQL)", False
    # The GIN index on the stored vector gives the candidates, then they are ranked from the stored vector.
    plan = search.ranked(Meeting.objects.public(), term)[:50].explain(analyze=True, buffers=True)
    return plan, "partnership_meeting_search_vector_idx" in plan


def export_paths(targets: dict, client) -> list[tuple[str, str]]:
    small, area = targets["small_area"], targets["area"]
    pillar = area.parent
    found = []
    for template in ("/export/meetings.csv?{q}", "/meetings/export.csv?{q}"):
        probe = template.format(q=f"area={small.slug}")
        response = client.get(probe)
        if response.status_code == 200 and "csv" in response.get("Content-Type", ""):
            found.append((f"CSV export, area '{small.name}'", probe))
            found.append((f"CSV export, pillar '{pillar.name}'", template.format(q=f"area={pillar.slug}")))
            break
    return found


# -- the report --------------------------------------------------------------------------------


def machine() -> list[str]:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    import django
    import gunicorn

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    datasette = subprocess.run(
        [str(Path(PYTHON).parent / "datasette"), "--version"], capture_output=True, text=True
    ).stdout.strip()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory: {memory.split(':')[1].strip()}",
        f"- load average at start: {' '.join(Path('/proc/loadavg').read_text().split()[:3])} "
        "(the machine is shared: compare ratios within one run, not absolute numbers across runs)",
        f"- {platform.platform()}; Python {platform.python_version()}; Django {django.get_version()}; "
        f"PostgreSQL {pg}; gunicorn {gunicorn.__version__} ({WORKERS} sync workers); {wrk_version}; {datasette}",
        f"- cache: {'Redis' if 'REDIS_URL' in APP_ENV else 'local memory (per worker)'}; "
        f"wrk: {CONNECTIONS} connections, 2 threads, {SECONDS} s per page",
    ]


def table(header: list[str], align: str, body: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |",
        *("| " + " | ".join(row) + " |" for row in body),
    ]


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def rps(value: float) -> str:
    """Requests a second, with a decimal below 10 so a slow page does not read as 0."""
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


def mix_row(label: str, distinct: int, data: dict, b_rps: float) -> list[str]:
    editor = data.get("editor")
    errors = data["non2xx"] + data["socket_errors"]
    if editor:
        saves = f"{len(editor.saves)} / {len(editor.failed)}"
        save_ms = f"{median(editor.saves) * 1000:.0f}"
        parts = []
        for kind, edits in (("text", ("summary", "title")), ("fact", ("date",))):
            firsts = [seconds for _path, seconds, _status, edit in editor.first_list if edit in edits]
            if firsts:
                parts.append(f"{kind} {median(firsts) * 1000:.0f} / {max(firsts) * 1000:.0f}")
        first = "; ".join(parts)
        bad_first = sum(1 for _path, _seconds, status, _edit in editor.first_list if status != 200)
        first += f" ({bad_first} not 200)" if bad_first else ""
    else:
        saves = save_ms = first = "—"
    return [
        label,
        str(distinct),
        rps(data["ok_rps"]),
        f"{data['ok_rps'] / b_rps:.2f}",
        ms(data["p50_us"]),
        ms(data["p95_us"]),
        ms(data["p99_us"]),
        ms(data["max_us"]),
        f"{data['over_500ms_pct']:.1f}",
        str(errors),
        saves,
        save_ms,
        first,
    ]


def main() -> None:
    global DATASETTE_DB
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it)")
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    ensure_database()
    env = {**APP_ENV}
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)
    setup_django()
    seed()
    sqlite_path = export_sqlite()
    DATASETTE_DB = sqlite_path.stem

    from django.contrib.auth import get_user_model
    from django.test import Client

    from partnership.models import Meeting

    client = Client()
    targets = choose_targets()
    page_list = pages(targets, client)
    admin = get_user_model().objects.filter(username="bench").first() or get_user_model().objects.create_superuser(
        "bench", "bench@example.org", secrets.token_urlsafe(16)
    )
    admin_client = Client()
    admin_client.force_login(admin)
    session = admin_client.cookies["sessionid"].value
    admin_pages = [
        (label, path)
        for label, path in [
            ("admin: meetings changelist", "/admin/partnership/meeting/"),
            ("admin: officials changelist", "/admin/partnership/official/"),
        ]
        if admin_client.get(path).status_code == 200
    ]
    description = machine()
    hot = mix.write_paths(WORK / "mix-hot.txt", mix.hot_mix(targets))
    tail_paths = mix.long_tail_mix(targets)
    tail = mix.write_paths(WORK / "mix-long-tail.txt", tail_paths)
    distinct = {"hot": len(set(hot.read_text().split())), "long tail": len(tail_paths)}
    area = targets["area"]
    edited = list(Meeting.objects.public().filter(area_links__area=area).order_by("-date")[:5])
    editor_lists = ["/meetings/", f"/meetings/?area={area.slug}"]

    log("counting queries per page (cold cache, then warm) ...")
    counts = {path: query_counts(path, client) for _, path in page_list}
    counts.update({path: query_counts(path, admin_client) for _, path in admin_pages})

    base = f"http://{HOST}:{PORT}"
    rows: list[tuple[str, str, str, dict]] = []  # (phase, label, path, wrk data)
    mixes: list[tuple[str, int, dict]] = []
    datasette = start_datasette(sqlite_path)
    ds_path = datasette_area_path(area.pk)
    ds_check = datasette_check(datasette_area_path(area.pk, ".json"))
    app = start_app()
    try:
        log("wrk B")
        rows.append(("—", "B: baseline view", "/bench/baseline/", wrk(f"{base}/bench/baseline/")))
        for label, path in page_list:
            log(f"wrk {label}: {path}")
            rows.append(("cached", label, path, wrk(base + path)))
        for label, path in page_list:
            if label in SIGNED_IN_PAGES:
                log(f"wrk {label}, signed in: {path}")
                rows.append(("signed in", label, path, wrk(base + path, {"Cookie": f"sessionid={session}"})))
        for mix_label, paths_file in (("hot", hot), ("long tail", tail)):
            if mix_label == "hot":
                # The hot mix is measured as a running site serves it: each page asked for once before.
                # The long tail is not: most of its URLs are asked for the first time while measured.
                log(f"warming the hot mix: {distinct['hot']} URLs once each")
                warmed = mix.warm(HOST, PORT, paths_file, CONNECTIONS)
                log(f"warmed in {warmed:.0f} s")
            for editing in (False, True):
                label = f"{mix_label}, {'an editor saving every 5 s' if editing else 'no saves'}"
                log(f"mix: {label} ({MIX_SECONDS} s)")
                editor = mix.Editor(HOST, PORT, session, [m.pk for m in edited], editor_lists) if editing else None
                data = mix.run_mix(
                    url=base,
                    paths_file=paths_file,
                    seconds=MIX_SECONDS,
                    connections=CONNECTIONS,
                    lua=ROOT / "bench" / "wrk_report.lua",
                    editor=editor,
                )
                mixes.append((label, distinct[mix_label], data))
        stop(app)
        app = start_app(PAGE_CACHE="false")
        for label, path in page_list:
            log(f"wrk {label}, rendered: {path}")
            rows.append(("rendered", label, path, wrk(base + path)))
        for label, path in admin_pages:
            log(f"wrk {label}")
            rows.append(("signed in", label, path, wrk(base + path, {"Cookie": f"sessionid={session}"})))
        stop(app)
        app = start_app(DJANGO_SETTINGS_MODULE="bench.uncached_settings")
        for label, path in page_list:
            if label in UNCACHED_PAGES:
                log(f"wrk {label}, uncached: {path}")
                rows.append(("uncached", label, path, wrk(base + path, seconds=SLOW_SECONDS)))
        log(f"wrk Datasette, the same filtered page: {ds_path}")
        ds_data = wrk(f"http://{HOST}:{DS_PORT}{ds_path}", seconds=SLOW_SECONDS)
        rows.append(("Datasette", "the same filtered page, `_through` the link table", ds_path, ds_data))
        stop(app)
        app = start_app()
        log("wrk B again (noise check)")
        rows.append(("—", "B: baseline view (again, at the end)", "/bench/baseline/", wrk(f"{base}/bench/baseline/")))
        exports = []
        for label, path in export_paths(targets, client):
            log(f"{label}: {path}")
            exports.append((label, path, measure_export(path, app.pid)))
    finally:
        stop(app)
        stop(datasette)

    baseline = [data["rps"] for phase, label, _, data in rows if label.startswith("B:")]
    b_rps = sum(baseline) / len(baseline)
    ds_rps = next(data["rps"] for phase, *_rest, data in rows if phase == "Datasette")
    ours_uncached = next(
        (data["rps"] for phase, label, _, data in rows if phase == "uncached" and label == ONE_AREA), 0
    )

    page_lines = table(
        ["phase", "page", "req/s", "× B", "p50 ms", "p95 ms", "p99 ms", "% > 500 ms", "queries cold/rendered/hit",
         "cold ms", "non-2xx"],
        "llrrrrrrrrr",
        [
            [
                phase,
                label,
                rps(data['rps']),
                f"{data['rps'] / b_rps:.2f}",
                ms(data["p50_us"]),
                ms(data["p95_us"]),
                ms(data["p99_us"]),
                f"{data['over_500ms_pct']:.1f}",
                f"{counts[path]['cold']}/{counts[path]['rendered']}/{counts[path]['hit']}" if path in counts else "—",
                f"{counts[path]['cold_ms']:.0f}" if path in counts else "—",
                str(data["non2xx"] + data["socket_errors"]),
            ]
            for phase, label, path, data in rows
        ],
    )  # fmt: skip
    ds_lines = table(
        ["", "req/s", "p50 ms", "p95 ms", "non-2xx"],
        "lrrrr",
        [
            [f"{phase}: {label}", rps(data['rps']), ms(data["p50_us"]), ms(data["p95_us"]),
             str(data["non2xx"] + data["socket_errors"])]
            for phase, label, _path, data in rows
            if phase == "Datasette" or (phase == "uncached" and label == ONE_AREA)
        ],
    )  # fmt: skip
    mix_lines = table(
        ["mix", "distinct URLs", "req/s", "× B", "p50 ms", "p95 ms", "p99 ms", "max ms", "% > 500 ms", "errors",
         "saves ok / failed", "save ms (median)", "first list after a save ms (median / max)"],
        "lrrrrrrrrrrrr",
        [mix_row(label, n, data, b_rps) for label, n, data in mixes],
    )  # fmt: skip
    first_lists = [
        f"- {label}: "
        + ", ".join(
            f"`{path}` {seconds * 1000:.0f} ms (after a {edit} save)"
            for path, seconds, _status, edit in data["editor"].first_list
        )
        for label, _n, data in mixes
        if data.get("editor")
    ]
    failures = [
        f"- {label}: " + "; ".join(data["editor"].failed[:5])
        for label, _n, data in mixes
        if data.get("editor") and data["editor"].failed
    ]
    export_lines = table(
        ["export", "rows", "first byte s", "total s", "rows/s", "worker peak RSS MB", "worker growth MB", "note"],
        "lrrrrrrl",
        [
            [label, str(data["rows"]), f"{data['ttfb_s']:.3f}", f"{data['total_s']:.2f}",
             f"{data['rows'] / data['total_s']:.0f}", f"{data['peak_rss_mb']:.0f}", f"{data['growth_mb']:.1f}",
             data["error"]]
            for label, _path, data in exports
        ],
    )  # fmt: skip
    paths = "\n".join(f"- {phase}, {label}: `{path}`" for phase, label, path, _ in rows)
    plans = []
    for term in ("cooperation", "peatland"):
        plan, on_index = explain_search(term)
        how = (
            "through its GIN index `partnership_meeting_search_vector_idx`"
            if on_index
            else "as a filter on a scan that stops at the first candidates (the planner's choice for a word "
            "in most meetings), not through its GIN index"
        )
        stored = "matches on the stored vector" if "search_vector @@" in plan else "does NOT match on the stored vector"
        plans.append(f"Search for '{term}' (meetings): the plan {stored}, {how}.\n\n```\n{plan}\n```")
    stamp = datetime.datetime.now(datetime.UTC)
    settings = " ".join(
        f"{key}={os.environ[key]}" for key in sorted(os.environ) if key.startswith("BENCH_") and key not in APP_ENV
    )
    command = f"{settings} make bench".strip()
    ratio = f"{ours_uncached / ds_rps:.2f}" if ds_rps else "— (Datasette answered nothing in time)"
    report = "\n".join(
        [
            f"# Benchmark, {MEETINGS:,} meetings, {stamp:%Y-%m-%d %H:%M} UTC",
            "",
            f"Command: `{command}`",
            "",
            "## Machine",
            *description,
            f"- load average at end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
            "",
            "## Pages",
            "B is the mean of the two baseline runs (first and last). Phases: *cached* is the production "
            "configuration (whole pages cached for anonymous visitors, invalidated on save); *rendered* runs the "
            "view and template on every request (PAGE_CACHE=false; counts and facets still cached); *signed in* "
            "is an editor's session: public pages in the production configuration, and the admin's changelists; "
            "*uncached* caches nothing at all "
            "(bench/uncached_settings.py). req/s counts only 2xx/3xx answers. Queries are counted in-process: "
            "with an empty cache (cold), rendered with counts and facets cached, and from the page cache (hit); "
            "cold ms is the first request's time in-process.",
            "",
            *page_lines,
            "",
            "## Like with like: the same filtered page, nothing cached, against Datasette",
            f"Our `{ONE_AREA}` with nothing cached against Datasette's table page for the same area "
            "(`_through` the indexed meeting–area link table; 25 rows; suggested facets off; the same facets: "
            "areas with their pillars, officials, organisations and agreements as `_facet_array`, kind and year "
            f"as `_facet`; newest first). **Ours / Datasette: {ratio}.**",
            "",
            f"Datasette's JSON for the same query, checked once: {ds_check}.",
            "",
            *ds_lines,
            "",
            "## Mixed traffic, with and without an editor saving every 5 seconds",
            f"Production configuration; {CONNECTIONS} wrk connections, each request a random URL of the mix, "
            f"{MIX_SECONDS} s per row. Before the hot rows, each of its URLs is asked for once (a running site's "
            "hot pages have been asked for before); the long tail is not warmed, so most of its requests are a "
            "URL's first. The editor opens a meeting's admin change form and saves it every 5 s, correcting in turn "
            "the summary, the title (text no list counts) and the date (a fact every list's parts depend on), "
            "a 302 being a save acknowledged; then requests a list right away, alternately "
            f"{' and '.join(f'`{p}`' for p in editor_lists)}: the first list after a save. "
            "Errors are non-2xx answers and socket errors (timeouts included).",
            "",
            *mix_lines,
            "",
            "First list after each save:",
            "",
            *first_lists,
            *(["", "Failed saves:", "", *failures] if failures else []),
            "",
            "## CSV export",
            *export_lines,
            "",
            "## Paths",
            paths,
            f"- hot mix: `{hot.relative_to(ROOT)}`; long tail: `{tail.relative_to(ROOT)}` (written by the run)",
            "",
            "## Search plans",
            "\n\n".join(plans),
            "",
        ]
    )
    out = RESULTS / f"{stamp:%Y-%m-%d}-{MEETINGS}.md"
    out.write_text(report, encoding="utf-8")
    print()
    print(report)
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
