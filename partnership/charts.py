"""Pictures drawn on the server: the geometry of accessible SVG charts, rendered by templates.

Each builder takes plain numbers (what the queries in partnership/pictures.py return) and
gives back positions in the picture's own coordinates; the templates in
templates/includes/charts/ write the SVG (the year chart's repeated marks through
templatetags/chart_marks.py), so every label is escaped like any other text and
no script or inline style is needed (the site's Content-Security-Policy allows neither).
Every picture comes with a table or list that says the same for screen readers.
"""

import datetime
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

# -- scales -------------------------------------------------------------------------------


def nice_ticks(top: int, count: int = 4) -> list[int]:
    """Round tick values from 0 to at least top, about count of them (1, 2 or 5 times a power of ten apart)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    last = math.ceil(top / step) * step
    return list(range(0, last + 1, step))


# -- meetings over time -------------------------------------------------------------------


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what a screen reader and the tooltip say
    url: str
    count: int
    css: str = ""


@dataclass
class Band:
    """One row of the chart: all meetings, or the meetings on one pillar."""

    label: str
    top: float
    height: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label) on the count axis
    css: str = ""

    @property
    def label_y(self) -> float:
        return self.top - 9


@dataclass
class YearChart:
    width: float
    height: float
    plot_left: float
    plot_right: float
    bands: list[Band]
    year_labels: list[tuple[float, str]]  # (x, year) on the time axis
    axis_y: float
    years: list[int] = field(default_factory=list)
    table: list[dict] = field(default_factory=list)  # the same counts, one row per year
    columns: list[str] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        """Wide enough that a phone should scroll it rather than shrink it past reading."""
        return self.width > 480

    @property
    def tick_x(self) -> float:
        return self.plot_left - 6

    @property
    def year_label_y(self) -> float:
        return self.axis_y + 15


def year_chart(
    totals: dict[int, int],
    *,
    url_for_year,
    series: list[tuple[str, dict[int, int], object]] = (),
    band_height: float = 110,
    small_band_height: float = 56,
) -> YearChart | None:
    """Meetings per year as bars, every year in the span shown (a year without meetings is a gap).

    series adds a smaller band per group (label, {year: count}, url_for_year(year)): the pillars,
    whose counts may add up to more than the total, since one meeting can discuss several.
    """
    if not totals:
        return None
    first, last = min(totals), max(totals)
    years = list(range(first, last + 1))
    plot_left, plot_right = 48.0, 8.0
    slot = max(10.0, min(36.0, 640.0 / len(years)))
    width = max(plot_left + slot * len(years) + plot_right, 320.0)  # room for the band labels
    label_every = max(1, math.ceil(34 / slot))
    bands, top = [], 22.0
    for index, (label, counts, url_for) in enumerate([("All meetings", totals, url_for_year), *series]):
        height = band_height if index == 0 else small_band_height
        ticks = nice_ticks(max(counts.values(), default=0), 4 if index == 0 else 2)
        scale_top = ticks[-1] or 1
        bars = []
        for position, year in enumerate(years):
            count = counts.get(year, 0)
            if not count:
                continue
            bar_height = max(1.5, height * count / scale_top)
            noun = "meeting" if count == 1 else "meetings"
            where = "" if index == 0 else f" on {label}"
            bars.append(
                Bar(
                    x=plot_left + position * slot + slot * 0.12,
                    y=top + height - bar_height,
                    width=slot * 0.76,
                    height=bar_height,
                    label=f"{year}: {count:,} {noun}{where}",
                    url=url_for(year),
                    count=count,
                )
            )
        tick_rows = [(top + height - height * tick / scale_top, f"{tick:,}") for tick in ticks]
        bands.append(Band(label, top, height, bars, tick_rows, css=f"band-{(index - 1) % 4 + 1 if index else 0}"))
        top += height + 30
    axis_y = top - 30
    labelled_years = [year for year in years if (year - first) % label_every == 0]
    if last - labelled_years[-1] >= max(2, label_every / 2):
        labelled_years.append(last)  # the latest year, unless it would run into the one before
    year_labels = [(plot_left + (year - first) * slot + slot / 2, str(year)) for year in labelled_years]
    table = [
        {"year": year, "counts": [f"{counts.get(year, 0):,}" for _, counts, _ in [("", totals, None), *series]]}
        for year in years
        if totals.get(year)
    ]
    return YearChart(
        width=width,
        height=axis_y + 22,
        plot_left=plot_left,
        plot_right=width - plot_right,
        bands=bands,
        year_labels=year_labels,
        axis_y=axis_y,
        years=years,
        table=table,
        columns=["All meetings", *[label for label, _, _ in series]],
    )


# -- an official's career -------------------------------------------------------------------


@dataclass
class Span:
    label: str
    x: float  # the solid part: known to be in post
    y: float
    width: float
    fuzzy_start: float  # width of the start's uncertainty before x (a date known to the year spans the year)
    fuzzy_end: float  # width of the end's uncertainty after x + width
    open_start: bool  # no start date: an arrow runs off to the left
    open_end: bool  # no end date: an arrow runs off to the right
    start_text: str
    end_text: str
    url: str

    @property
    def mid_y(self) -> float:
        return self.y + 7

    @property
    def fuzzy_start_x(self) -> float:
        return self.x - self.fuzzy_start

    @property
    def end_x(self) -> float:
        return self.x + self.width

    label_x: float = 0.0  # where the label starts, or ends when label_end (it would run off the right)
    label_end: bool = False


@dataclass
class Mark:
    x: float
    y: float
    radius: float
    label: str
    url: str


@dataclass
class Timeline:
    width: float
    height: float
    spans: list[Span]
    marks: list[Mark]
    year_labels: list[tuple[float, str]]
    axis_y: float
    marks_y: float
    left: float
    right: float
    arrow: float = 18.0

    @property
    def arrow_left(self) -> float:
        return self.left + self.arrow

    @property
    def arrow_right(self) -> float:
        return self.right - self.arrow


def _year_fraction(day: datetime.date) -> float:
    start = datetime.date(day.year, 1, 1)
    return day.year + (day - start).days / 365.25


def timeline(posts: list[dict], meetings: dict[int, int], *, url_for_year, today: datetime.date) -> Timeline | None:
    """Posts as spans over the years, meetings per year as marks below them.

    A post is {label, url, start, start_end, end, end_end, start_text, end_text}: start and
    end are the first day of the span of time each date names (start_end / end_end its last
    day), so a date known only to the year covers that year; None is an open end.
    """
    dated = [d for p in posts for d in (p["start"], p["end"], p["end_end"]) if d]
    if not dated and not meetings:
        return None
    years = [d.year for d in dated] + list(meetings)
    first = min(years)
    last = max(years)
    if any(post["end"] is None for post in posts):
        last = max(last, today.year)  # an open end runs to the present
    first = min(first, last - 4)
    left, right, width = 16.0, 16.0, 720.0
    per_year = (width - left - right) / (last + 1 - first)

    def x(value: float) -> float:
        return left + (value - first) * per_year

    row, arrow, spans = 34.0, 18.0, []
    for index, post in enumerate(posts):
        y = 26 + index * row
        if post["start"]:
            fuzzy_from, solid_from = x(_year_fraction(post["start"])), x(_year_fraction(post["start_end"]))
        else:
            fuzzy_from = solid_from = left + arrow
        if post["end"]:
            solid_to, fuzzy_to = x(_year_fraction(post["end"])), x(_year_fraction(post["end_end"]))
        else:
            solid_to = fuzzy_to = width - right - arrow
        if solid_to < solid_from:  # a post within one year known only to the year: all of it is uncertain
            solid_from = solid_to = (fuzzy_from + fuzzy_to) / 2
        spans.append(
            Span(
                label=post["label"],
                x=solid_from,
                y=y,
                width=max(2.0, solid_to - solid_from),
                fuzzy_start=solid_from - fuzzy_from,
                fuzzy_end=fuzzy_to - solid_to,
                open_start=post["start"] is None,
                open_end=post["end"] is None,
                start_text=post["start_text"],
                end_text=post["end_text"],
                url=post["url"],
            )
        )
        span = spans[-1]
        text_width = 6.2 * len(f"{span.label} ({span.start_text} – {span.end_text})")
        span.label_x = max(2.0, span.fuzzy_start_x)
        if span.label_x + text_width > width - 2:
            span.label_end, span.label_x = True, max(text_width, min(width - 2, fuzzy_to))
    marks_y = 26 + len(posts) * row + 12
    top = max(meetings.values(), default=1)
    marks = [
        Mark(
            x=x(year + 0.5),
            y=marks_y,
            radius=2.5 + 7.5 * math.sqrt(count / top),
            label=f"{year}: {count:,} meeting{'s' if count != 1 else ''}",
            url=url_for_year(year),
        )
        for year, count in sorted(meetings.items())
    ]
    axis_y = marks_y + 18
    step = max(1, math.ceil((last + 1 - first) / 12))
    labels = [(x(year), str(year)) for year in range(first, last + 2) if (year - first) % step == 0]
    return Timeline(width, axis_y + 20, spans, marks, labels, axis_y, marks_y, left, width - right)


# -- who met whom ---------------------------------------------------------------------------


@dataclass
class Dot:
    """A circle that stands for meetings (a person's, a city's), and the link to them."""

    label: str
    x: float
    y: float
    radius: float
    count: int
    url: str


@dataclass
class Node(Dot):
    key: str = ""
    labelled: bool = False

    @property
    def label_y(self) -> float:
        return self.y - self.radius - 3


@dataclass
class Edge:
    a: Node
    b: Node
    count: int
    width: float
    url: str
    label: str


@dataclass
class Network:
    width: float
    height: float
    nodes: list[Node]
    edges: list[Edge]  # weakest first, so the strong lines are drawn on top

    @property
    def table(self) -> list[Edge]:
        return sorted(self.edges, key=lambda edge: (-edge.count, edge.a.label, edge.b.label))


def network(
    nodes: dict[str, tuple[str, int, str]],
    edges: list[tuple[str, str, int, str]],
    *,
    labelled: int = 40,
    size: float = 900,
) -> Network:
    """Lay out who met whom: nodes {key: (label, meetings, url)}, edges (a, b, meetings together, url).

    Force-directed (networkx's Fruchterman–Reingold) with a fixed seed, so the same data always
    gives the same picture; only the busiest nodes are labelled, the table lists them all.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    for a, b, count, _url in edges:
        graph.add_edge(a, b, weight=count)
    if not graph:
        return Network(size, size * 0.75, [], [])
    # The largest group of people who met each other fills the frame; smaller groups (people who met
    # only among themselves) sit in rows of small cells below it, instead of drifting off the edge.
    groups = sorted(nx.connected_components(graph), key=lambda group: (-len(group), min(group)))
    margin, cell = 60.0, 110.0
    main_height = size * 0.75 if len(groups[0]) > 2 else cell
    per_row = int((size - margin) // cell)
    rows = math.ceil((len(groups) - 1) / per_row)
    height = main_height + rows * cell
    boxes = [(margin, margin * 0.6, size - margin, main_height - margin * 0.6)]
    for index in range(len(groups) - 1):
        row, column = divmod(index, per_row)
        left, top_edge = margin / 2 + column * cell, main_height + row * cell
        boxes.append((left + 20, top_edge + 25, left + cell - 20, top_edge + cell - 25))
    where: dict[str, tuple[float, float]] = {}
    for group, (left, top_edge, right, bottom) in zip(groups, boxes, strict=False):
        # Laid out in the order of the keys: the seed places the nodes in the graph's order, and a
        # subgraph of under half the graph follows its set of nodes, whose order changes from one
        # process to the next (strings hash differently in each), and with it the picture.
        sub = nx.Graph()
        sub.add_nodes_from(sorted(group))
        sub.add_edges_from(graph.subgraph(group).edges(data=True))
        positions = nx.spring_layout(sub, seed=2015, k=2.5 / math.sqrt(len(sub)), iterations=100)
        keys = sorted(sub)
        # A few loosely tied people would squeeze the rest into the middle: scale to the bulk
        # (2nd to 98th percentile) and pull the outliers in to the box's edge.
        xs = _spread([positions[key][0] for key in keys], left, right)
        ys = _spread([positions[key][1] for key in keys], top_edge, bottom)
        where.update({key: (x, y) for key, x, y in zip(keys, xs, ys, strict=True)})
    top = max(count for _label, count, _url in nodes.values()) or 1
    placed = {
        key: Node(
            key=key,
            label=nodes[key][0],
            x=round(where[key][0], 1),
            y=round(where[key][1], 1),
            radius=round(3 + 9 * math.sqrt(nodes[key][1] / top), 1),
            count=nodes[key][1],
            url=nodes[key][2],
            labelled=False,
        )
        for key in graph
    }
    _label_without_overlap(sorted(placed.values(), key=lambda node: (-node.count, node.label))[:labelled])
    strongest = max((count for *_, count, _url in edges), default=1)
    drawn = [
        Edge(
            placed[a],
            placed[b],
            count,
            round(1 + 5 * count / strongest, 1),
            url,
            f"{placed[a].label} and {placed[b].label}: {count:,} meeting{'s' if count != 1 else ''} together",
        )
        for a, b, count, url in edges
    ]
    ordered = sorted(placed.values(), key=lambda node: (node.count, node.label))
    return Network(size, height, ordered, sorted(drawn, key=lambda edge: edge.count))


def _spread(values: list[float], low: float, high: float) -> list[float]:
    if len(values) == 1:
        return [(low + high) / 2]
    ordered = sorted(values)
    first = ordered[int(0.02 * (len(ordered) - 1))]
    last = ordered[int(0.98 * (len(ordered) - 1))]
    width = (last - first) or 1.0
    return [min(high, max(low, low + (value - first) / width * (high - low))) for value in values]


def _label_without_overlap(nodes: list[Node]) -> None:
    """Label the given nodes, busiest first, skipping a label that would cover one already placed."""
    boxes: list[tuple[float, float, float, float]] = []
    for node in nodes:
        half = 3.4 * len(node.label) + 2
        box = (node.x - half, node.label_y - 11, node.x + half, node.label_y + 2)
        if all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in boxes):
            boxes.append(box)
            node.labelled = True


# -- where ------------------------------------------------------------------------------------

# The region the map shows: Southeast Asia, from Myanmar to Timor-Leste and Papua.
MAP_WEST, MAP_EAST, MAP_SOUTH, MAP_NORTH = 91.0, 142.0, -12.0, 29.0
MAP_SCALE = 14.0  # pixels per degree
BASEMAP = Path(__file__).with_name("basemap.json")


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """Plate carrée: near the equator the distortion is small and the maths plain."""
    return (round((longitude - MAP_WEST) * MAP_SCALE, 1), round((MAP_NORTH - latitude) * MAP_SCALE, 1))


def on_map(longitude: float, latitude: float) -> bool:
    return MAP_WEST <= longitude <= MAP_EAST and MAP_SOUTH <= latitude <= MAP_NORTH


@cache
def basemap() -> dict:
    """The coastline as one SVG path in the map's coordinates (made by `manage.py build_basemap`)."""
    return json.loads(BASEMAP.read_text(encoding="utf-8"))


@dataclass
class Place(Dot):
    label_left: bool = False

    @property
    def label_x(self) -> float:
        return self.x - self.radius - 3 if self.label_left else self.x + self.radius + 3


@dataclass
class MeetingMap:
    width: float
    height: float
    land: str
    places: list[Place]
    elsewhere: list[tuple[str, int, str]]  # cities off the map or without coordinates: (name, count, url)
    unplaced: bool = False  # some city has no coordinates yet

    @property
    def table(self) -> list[tuple[str, int, str]]:
        every = [(place.label, place.count, place.url) for place in self.places] + self.elsewhere
        return sorted(every, key=lambda row: (-row[1], row[0]))


def meeting_map(cities: list[tuple[str, float | None, float | None, int, str]]) -> MeetingMap:
    """Cities (name, longitude, latitude, meetings, url) as circles whose area is the count of meetings."""
    top = max((count for *_, count, _url in cities), default=1) or 1
    places, elsewhere, unplaced = [], [], False
    for name, longitude, latitude, count, url in cities:
        unplaced = unplaced or longitude is None or latitude is None
        if longitude is None or latitude is None or not on_map(longitude, latitude):
            elsewhere.append((name, count, url))
            continue
        x, y = project(longitude, latitude)
        places.append(Place(name, x, y, round(4 + 18 * math.sqrt(count / top), 1), count, url, label_left=x > 560))
    width, height = project(MAP_EAST, MAP_SOUTH)
    # Big circles first, so small ones stay on top and clickable; cities of one count by name, so
    # the picture does not follow the order the database happened to group them in.
    places.sort(key=lambda place: (-place.count, place.label))
    elsewhere.sort(key=lambda row: (-row[1], row[0]))
    return MeetingMap(width, height, basemap()["land"], places, elsewhere, unplaced)
