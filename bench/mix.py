"""Mixed traffic for the benchmark: readers on many URLs while an editor saves through the admin.

Two URL mixes are built from the seeded data: a *hot* mix (a few hundred URLs, the popular
ones repeated, as a site's traffic concentrates) and a *long tail* of at least 3,000 distinct
URLs. wrk (bench/wrk_report.lua) picks a random path of the mix for each request. Meanwhile an
editor, signed in to the admin over HTTP, opens a meeting's change form and saves it with a
changed summary every EDIT_INTERVAL seconds, and right after each save requests a list
(alternately unfiltered and filtered by an area): the first list an editor or visitor gets
after a save. Nothing here asserts; bench/run.py reports what it measured.
"""

import datetime
import http.client
import json
import random
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

EDIT_INTERVAL = 5.0
LONG_TAIL_MIN = 3000


# -- the URL mixes ------------------------------------------------------------------------------


def hot_mix(targets: dict) -> list[str]:
    """A few hundred URLs with the popular ones repeated: what most visitors ask for."""
    from django.db.models import Count

    from partnership.models import CooperationArea, Meeting, Official

    rng = random.Random(1)
    areas = list(
        CooperationArea.objects.filter(parent__isnull=False)
        .annotate(n=Count("meeting_links"))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)[:20]
    )
    officials = list(
        Official.objects.annotate(n=Count("participations")).order_by("-n", "pk").values_list("slug", flat=True)[:60]
    )
    recent = [m.get_absolute_url() for m in Meeting.objects.public().order_by("-date", "-pk")[:200]]
    year = targets["year"]
    paths = ["/"] * 20 + ["/meetings/"] * 20 + ["/officials/", "/organisations/", "/areas/", "/agreements/"] * 3
    paths += [f"/meetings/?area={slug}" for slug in areas for _ in range(3)]
    paths += [f"/meetings/?area={slug}&year={year}" for slug in areas]
    paths += [f"/officials/{slug}/" for slug in officials]
    paths += recent
    paths += [f"/search/?q={word}" for word in ("cooperation", "peatland", "dengue", "climate", "jakarta") * 4]
    paths += [f"/meetings/?page={page}" for page in range(2, 6)]
    rng.shuffle(paths)
    return paths


def long_tail_mix(targets: dict) -> list[str]:
    """At least LONG_TAIL_MIN distinct URLs, each asked for rarely: record pages, filter combinations, searches."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from partnership.models import CooperationArea, Meeting, Official, Organisation, PressRelease
    from partnership.views import PER_PAGE

    rng = random.Random(2)
    meetings = list(Meeting.objects.public().order_by("pk").values_list("slug", flat=True))
    officials = list(Official.objects.order_by("pk").values_list("slug", flat=True))
    organisations = list(Organisation.objects.order_by("pk").values_list("slug", flat=True))
    releases = list(PressRelease.objects.published().order_by("pk").values_list("slug", flat=True))
    areas = list(
        CooperationArea.objects.annotate(n=Count("meeting_links")).order_by("-n", "pk").values_list("slug", flat=True)
    )
    per_year = dict(
        Meeting.objects.public()
        .annotate(y=ExtractYear("date"))
        .values_list("y")
        .annotate(n=Count("pk"))
        .values_list("y", "n")
    )
    years = sorted(per_year)
    paths: set[str] = set()
    paths |= {f"/meetings/{slug}/" for slug in rng.sample(meetings, min(1200, len(meetings)))}
    paths |= {f"/officials/{slug}/" for slug in rng.sample(officials, min(500, len(officials)))}
    paths |= {f"/organisations/{slug}/" for slug in rng.sample(organisations, min(100, len(organisations)))}
    paths |= {f"/releases/{slug}/" for slug in rng.sample(releases, min(300, len(releases)))}
    paths |= {f"/areas/{slug}/" for slug in areas}
    paths |= {f"/meetings/?area={slug}&year={year}" for slug in areas for year in years}
    paths |= {f"/meetings/?official={slug}" for slug in rng.sample(officials, min(300, len(officials)))}
    paths |= {f"/meetings/?area={slug}&kind={kind}" for slug in areas for kind in ("bilateral", "conference", "summit")}
    # Only pages a list has: a page past the last one is a 400.
    paths |= {
        f"/meetings/?year={year}&page={page}"
        for year in years
        for page in range(2, min(5, -(-per_year[year] // PER_PAGE)) + 1)
    }
    words = ["cooperation", "peatland", "dengue", "mangrove", "tsunami", "ordnance", "jakarta", "geneva", "hanoi"]
    paths |= {f"/search/?q={word}" for word in words}
    names = {slug.rsplit("-", 1)[0].replace("-", " ") for slug in officials[:300]}
    paths |= {f"/search/?q={urllib.parse.quote_plus(name)}" for name in names}
    # Then area and official together, as many as it takes to reach the minimum at any scale.
    pairs = ((area, official) for official in officials for area in areas[:10])
    while len(paths) < LONG_TAIL_MIN:
        area, official = next(pairs)
        paths.add(f"/meetings/?area={area}&official={official}")
    ordered = sorted(paths)
    rng.shuffle(ordered)
    return ordered


def write_paths(path: Path, paths: list[str]) -> Path:
    path.write_text("\n".join(paths) + "\n", encoding="utf-8")
    return path


# -- the editor -------------------------------------------------------------------------------------


class _FormFields(HTMLParser):
    """The fields a browser would submit from the admin's change form (the form with id '<model>_form')."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


@dataclass
class EditorLog:
    saves: list[float] = field(default_factory=list)  # seconds per acknowledged save (302)
    failed: list[str] = field(default_factory=list)
    # (path, seconds, status, what the save before it changed)
    first_list: list[tuple[str, float, int, str]] = field(default_factory=list)


def _edited(name: str, value: str) -> str:
    """The field's value, changed and changed back on the next save of the same meeting."""
    if name == "date":
        # As the admin's date input writes it (the site's DATE_INPUT_FORMATS: day first, or ISO).
        shape = "%Y-%m-%d" if "-" in value else "%d/%m/%Y"
        day = datetime.datetime.strptime(value, shape).date()
        return (day + datetime.timedelta(days=1 if day.day < 28 else -1)).strftime(shape)
    marker = " (edited in the benchmark)"
    return value[: -len(marker)] if value.endswith(marker) else value + marker


class Editor:
    """An editor with a signed-in session who saves a meeting through the admin."""

    def __init__(self, host: str, port: int, session: str, meeting_pks: list[int], lists: list[str]):
        self.host, self.port = host, port
        self.cookies = {"sessionid": session}
        self.meeting_pks, self.lists = meeting_pks, lists
        self.log = EditorLog()

    def _request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, float]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, data, elapsed

    # What each save corrects, in turn: text no list counts (the summary, the title), then a fact
    # every list's parts depend on (the date, a day later or earlier within its year).
    EDITS = ("summary", "title", "date")

    def save(self, index: int) -> None:
        pk = self.meeting_pks[index % len(self.meeting_pks)]
        edit = self.EDITS[index % len(self.EDITS)]
        path = f"/admin/partnership/meeting/{pk}/change/"
        status, body, _ = self._request("GET", path)
        parser = _FormFields("meeting_form")
        parser.feed(body.decode("utf-8", "replace"))
        values = dict(parser.fields)
        if status != 200 or edit not in values:
            self.log.failed.append(f"GET {path}: {status}")
            return
        fields = [(k, v) for k, v in parser.fields if k != edit]
        fields += [(edit, _edited(edit, values[edit]))]
        fields += [("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")), ("_save", "Save")]
        status, body, elapsed = self._request("POST", path, urllib.parse.urlencode(fields).encode())
        if status != 302:
            self.log.failed.append(f"POST {path}: {status}")
            return
        self.log.saves.append(elapsed)
        # The first list right after the save: alternately unfiltered and filtered.
        list_path = self.lists[(index // len(self.EDITS)) % len(self.lists)]
        status, _, elapsed = self._request("GET", list_path)
        self.log.first_list.append((list_path, elapsed, status, edit))

    def run(self, stop: threading.Event) -> None:
        """A save every EDIT_INTERVAL seconds from the start, the first after one second; a save that
        takes longer than the interval is followed by the next one at once."""
        started, index = time.monotonic(), 0
        while not stop.wait(max(0.0, started + 1.0 + index * EDIT_INTERVAL - time.monotonic())):
            try:
                self.save(index)
            except OSError as error:
                self.log.failed.append(f"save {index}: {error}")
            index += 1


# -- running a mix --------------------------------------------------------------------------------


def warm(host: str, port: int, paths_file: Path, connections: int) -> float:
    """Ask once for every distinct URL of the mix, `connections` at a time: a site's hot pages have
    been asked for before the moment measured. Returns the seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    def get(path: str) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=600)
        conn.request("GET", path)
        conn.getresponse().read()
        conn.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(get, sorted(set(paths_file.read_text().split()))))
    return time.perf_counter() - started


def run_mix(
    *, url: str, paths_file: Path, seconds: int, connections: int, lua: Path, editor: Editor | None, seed=None
) -> dict:
    """wrk over the mix for `seconds`, with the editor saving meanwhile when one is given; with a
    seed, the URLs are drawn in the same order every run (wrk_report.lua)."""
    stop = threading.Event()
    thread = threading.Thread(target=editor.run, args=(stop,)) if editor else None
    if thread:
        thread.start()
    args = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "30s"]
    args += ["-s", str(lua), url, "--", str(paths_file), *([str(seed)] if seed is not None else [])]
    try:
        output = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    finally:
        stop.set()
        if thread:
            thread.join()
    data = json.loads(output.split("WRKJSON ", 1)[1].splitlines()[0])
    data["ok_rps"] = (data["requests"] - data["non2xx"]) / (data["duration_us"] / 1e6)
    if editor:
        data["editor"] = editor.log
    return data
