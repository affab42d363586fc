"""The benchmark (issue 6), run by `make bench`.

Seeds PostgreSQL at BENCH_MEETINGS meetings (skipped when already at that scale), exports
the same public meetings to SQLite for Datasette, serves the app with gunicorn (DEBUG off,
persistent connections) and Datasette on loopback ports, drives every page with wrk from
this machine, and prints one table: throughput as a ratio to B (a minimal view through the
same middleware and server) and to Datasette's equivalent page, latency percentiles, query
counts, the search plan, and the CSV export's first byte, total time and worker memory.
The table and the machine's description go to bench/results/<date>-<meetings>.md.

Settings (environment): BENCH_MEETINGS (200000), BENCH_SECONDS per page (10),
BENCH_CONNECTIONS (4), BENCH_WORKERS (gunicorn workers, 2 × cores + 1), BENCH_PG
(postgres://root@127.0.0.1:5432), BENCH_DB (partnership_bench), BENCH_PORT (8600; Datasette
uses the next port), BENCH_REDIS_URL (default: Redis database 6 on 127.0.0.1:6379 when it
answers, else the local-memory cache; empty for local memory).
"""

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

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable

MEETINGS = int(os.environ.get("BENCH_MEETINGS", "200000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
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
            cursor.execute("ANALYZE")  # statistics for indexes a later migration added
        return
    log(f"seeding {MEETINGS} meetings ...")
    started = time.perf_counter()
    generate(meetings=MEETINGS, replace=True)
    log(f"seeded in {time.perf_counter() - started:.0f} s")
    (WORK / f"datasette-{DB_NAME}-{MEETINGS}.db").unlink(missing_ok=True)


# -- Datasette's copy -------------------------------------------------------------------------


def export_sqlite() -> Path:
    """The same public meetings in one SQLite table, with their areas as a JSON array (for
    _facet_array) and their first area in an indexed column (Datasette's fastest filter)."""
    from django.db import connection

    path = WORK / f"datasette-{DB_NAME}-{MEETINGS}.db"
    if path.exists():
        return path
    log("exporting meetings to SQLite for Datasette ...")
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute(
        "CREATE TABLE meetings (id INTEGER PRIMARY KEY, title TEXT, slug TEXT, date TEXT, year INTEGER, kind TEXT,"
        " venue TEXT, city TEXT, area TEXT, areas TEXT)"
    )
    sql = """
        SELECT m.id, m.title, m.slug, m.date::text, extract(year FROM m.date)::int, m.kind, m.venue, m.city,
               (SELECT json_agg(a.name ORDER BY ma.id) FROM partnership_meetingarea ma
                  JOIN partnership_cooperationarea a ON a.id = ma.area_id WHERE ma.meeting_id = m.id)::text
        FROM partnership_meeting m JOIN partnership_pressrelease r ON r.id = m.source_id
        WHERE r.status = 'published' ORDER BY m.date DESC, m.id DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(20000):
            db.executemany(
                "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*row[:8], json.loads(row[8] or "[]")[0] if row[8] else None, row[8] or "[]") for row in rows],
            )
    db.execute("CREATE INDEX meetings_area ON meetings (area)")
    db.execute("CREATE INDEX meetings_year ON meetings (year)")
    db.execute("CREATE INDEX meetings_date ON meetings (date DESC, id DESC)")
    db.commit()
    db.execute("ANALYZE")
    db.close()
    tmp.rename(path)
    return path


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


def wrk(url: str, headers: dict | None = None) -> dict:
    warm(url, headers)
    args = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--latency", "--timeout", "10s"]
    args += ["-s", str(ROOT / "bench" / "wrk_report.lua")]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    data = json.loads(output.split("WRKJSON ", 1)[1].splitlines()[0])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
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
    small_area = min(areas, key=lambda area: abs(area.n - 1000))
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


def pages(targets: dict, client) -> list[tuple[str, str, str | None]]:
    """(label, path, Datasette equivalent) for every page that exists in this build."""
    from urllib.parse import quote_plus

    area, official, year = targets["area"], targets["busiest_official"], targets["year"]
    candidates = [
        ("B: baseline view", "/bench/baseline/", None),
        ("home", "/", None),
        ("meeting detail", targets["meeting"].get_absolute_url(), None),
        ("official detail (typical)", targets["official"].get_absolute_url(), None),
        ("official detail (busiest)", official.get_absolute_url(), None),
        ("/meetings/ unfiltered", "/meetings/", None),
        ("/meetings/ one area", f"/meetings/?area={area.slug}", "ds-table"),
        ("/meetings/ area + year", f"/meetings/?area={area.slug}&year={year}", None),
        ("/meetings/ area + official", f"/meetings/?area={area.slug}&official={official.slug}", None),
        ("search: common term", "/search/?q=cooperation", None),
        ("search: rare term", "/search/?q=peatland", None),
    ]
    found = [page for page in candidates if exists(client, page[1])]
    late = late_page_path(client, "/meetings/")
    if late:
        found.insert(6, ("/meetings/ late page", late, None))
    name = quote_plus(area.name)
    found += [
        (
            "Datasette: table, area + facets",
            f"/{DATASETTE_DB}/meetings?areas__arraycontains={name}&_facet_array=areas&_facet=year",
            "ds",
        ),
        ("Datasette: JSON, area + facets", f"/{DATASETTE_DB}/meetings.json?areas__arraycontains={name}", "ds"),
        (
            "Datasette: table, indexed first area",
            f"/{DATASETTE_DB}/meetings?area={name}&_facet=area&_facet=year",
            "ds",
        ),
    ]
    return found


DATASETTE_DB = ""


def late_page_path(client, path: str) -> str | None:
    """The deepest page the list offers ("Page 1 of N")."""
    response = client.get(path)
    match = re.search(r"Page 1 of (\d+)", response.text) if response.status_code == 200 else None
    return f"{path}?page={match.group(1)}" if match and match.group(1) != "1" else None


def explain_search(term: str) -> str:
    from django.db import connection

    from partnership.models import Meeting

    try:
        from partnership import search
    except ImportError:
        return "(no partnership.search module in this build)"
    if connection.vendor != "postgresql":
        return "(not PostgreSQL)"
    # The search page's own query for meetings: the GIN index gives the candidates, then they are ranked.
    queryset = search.ranked(Meeting.objects.public(), term)[:50]
    return queryset.explain(analyze=True, buffers=True)


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


def fmt_ratio(value):
    return f"{value:.2f}" if value is not None else "—"


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

    log("counting queries per page (cold cache, then warm) ...")
    counts = {path: query_counts(path, client) for _, path, ds in page_list if ds != "ds"}
    counts.update({path: query_counts(path, admin_client) for _, path in admin_pages})

    datasette = start_datasette(sqlite_path)
    app = start_app()
    rows = []
    try:
        for label, path, ds in page_list:
            port = DS_PORT if ds == "ds" else PORT
            log(f"wrk {label}: {path}")
            rows.append((label, path, ds, wrk(f"http://{HOST}:{port}{path}")))
        # The same pages rendered on every request: no whole-page cache (counts and facets stay cached).
        stop(app)
        app = start_app(PAGE_CACHE="false")
        for label, path, ds in page_list:
            if ds == "ds" or path == "/bench/baseline/":
                continue
            log(f"wrk {label}, rendered: {path}")
            rows.append((f"{label} — rendered", path, ds, wrk(f"http://{HOST}:{PORT}{path}")))
        for label, path in admin_pages:
            log(f"wrk {label}")
            rows.append((label, path, "admin", wrk(f"http://{HOST}:{PORT}{path}", {"Cookie": f"sessionid={session}"})))
        log("wrk B again (noise check)")
        rows.append(
            (
                "B: baseline view (again, at the end)",
                "/bench/baseline/",
                "B2",
                wrk(f"http://{HOST}:{PORT}/bench/baseline/"),
            )
        )
        exports = []
        for label, path in export_paths(targets, client):
            log(f"{label}: {path}")
            exports.append((label, path, measure_export(path, app.pid)))
    finally:
        stop(app)
        stop(datasette)

    baseline = [data["rps"] for label, _, ds, data in rows if label.startswith("B:")]
    b_rps = sum(baseline) / len(baseline)
    ds_table = next((data["rps"] for label, _, ds, data in rows if label == "Datasette: table, area + facets"), None)
    ds_indexed = next(
        (data["rps"] for label, _, ds, data in rows if label.startswith("Datasette: table, indexed")), None
    )
    ds_best = max(value for value in (ds_table, ds_indexed) if value) if (ds_table or ds_indexed) else None

    header = (
        "| page | req/s | × B | × Datasette | p50 ms | p95 ms | p99 ms | queries cold/rendered/hit | cold ms "
        "| non-2xx |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    lines = [header]
    for label, path, ds, data in rows:
        count = counts.get(path)
        queries = f"{count['cold']}/{count['rendered']}/{count['hit']}" if count else "—"
        cold = f"{count['cold_ms']:.0f}" if count else "—"
        vs_ds = data["rps"] / ds_best if ds == "ds-table" and ds_best else None
        lines.append(
            f"| {label} | {data['rps']:.0f} | {data['rps'] / b_rps:.2f} | {fmt_ratio(vs_ds)} | "
            f"{data['p50_us'] / 1000:.1f} | {data['p95_us'] / 1000:.1f} | {data['p99_us'] / 1000:.1f} | "
            f"{queries} | {cold} | {data['non2xx'] + data['socket_errors']} |"
        )
    export_lines = [
        "| export | rows | first byte s | total s | rows/s | worker peak RSS MB | worker growth MB | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, _path, data in exports:
        export_lines.append(
            f"| {label} | {data['rows']} | {data['ttfb_s']:.3f} | {data['total_s']:.2f} | "
            f"{data['rows'] / data['total_s']:.0f} | {data['peak_rss_mb']:.0f} | {data['growth_mb']:.1f} | "
            f"{data['error']} |"
        )
    paths = "\n".join(f"- {label}: `{path}`" for label, path, _, _ in rows)
    explains = "\n\n".join(
        f"EXPLAIN ANALYZE, search for '{term}' (meetings):\n\n```\n{explain_search(term)}\n```"
        for term in ("cooperation", "peatland")
    )
    stamp = datetime.datetime.now(datetime.UTC)
    settings = " ".join(
        f"{key}={os.environ[key]}" for key in sorted(os.environ) if key.startswith("BENCH_") and key not in APP_ENV
    )
    command = f"{settings} make bench".strip()
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
            "B is the mean of the two baseline runs (first and last). × Datasette compares a filtered list with "
            "the faster of Datasette's two faceted table pages for the same area. The first block serves public "
            "pages from the whole-page cache (anonymous visitors, invalidated on save); the rows marked "
            "'rendered' run the view and template on every request (PAGE_CACHE=false; counts and facets still "
            "cached). Queries are counted in-process: with an empty cache (cold), rendered with counts and facets "
            "cached, and from the page cache (hit); cold ms is the first request's time in-process.",
            "",
            *lines,
            "",
            "## CSV export",
            *export_lines,
            "",
            "## Paths",
            paths,
            "",
            "## Search plans",
            explains,
            "",
        ]
    )
    out = RESULTS / f"{stamp:%Y-%m-%d}-{MEETINGS}.md"
    out.write_text(report, encoding="utf-8")
    print()
    print("\n".join(lines))
    print()
    print("\n".join(export_lines))
    print(f"\nWritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
