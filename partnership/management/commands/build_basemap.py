"""Write partnership/basemap.json, the map's coastline, from Natural Earth's land polygons.

The map must work with no network (no tile server), so the coastline ships with the app.
It is made once from world-atlas's TopoJSON of Natural Earth (public domain):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    manage.py build_basemap package/land-50m.json
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from partnership import charts

PADDING = 2.0  # degrees drawn beyond the frame, so clipped edges fall outside the picture
TOLERANCE = 0.7  # pixels: points closer than this to the simplified line are dropped
MIN_AREA = 3.0  # square pixels: smaller islands are dropped


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    return points


def clip(points, west, south, east, north):
    """Sutherland–Hodgman: the part of a ring inside a rectangle (a convex window)."""
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    ]
    for inside, cross in edges:
        if not points:
            break
        result = []
        for index, current in enumerate(points):
            previous = points[index - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return points


def _cross_x(a, b, x):
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _cross_y(a, b, y):
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def simplify(points, tolerance):
    """Douglas–Peucker, iterative (rings run to thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        worst, worst_index = 0.0, None
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if distance > worst:
                worst, worst_index = distance, index
        if worst_index is not None and worst > tolerance:
            keep[worst_index] = True
            stack.extend([(first, worst_index), (worst_index, last)])
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def area(points) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def land_path(topology: dict) -> str:
    arcs = decode_arcs(topology)
    window = (
        charts.MAP_WEST - PADDING,
        charts.MAP_SOUTH - PADDING,
        charts.MAP_EAST + PADDING,
        charts.MAP_NORTH + PADDING,
    )
    parts = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for indexes in polygon:
                inside = clip(ring(arcs, indexes), *window)
                projected = simplify([charts.project(lon, lat) for lon, lat in inside], TOLERANCE)
                if len(projected) >= 3 and area(projected) >= MIN_AREA:
                    head, *rest = projected
                    parts.append(f"M{head[0]:g} {head[1]:g}" + "".join(f"L{x:g} {y:g}" for x, y in rest) + "Z")
    return "".join(parts)


class Command(BaseCommand):
    help = "Write partnership/basemap.json (the map's coastline) from world-atlas's land TopoJSON."

    def add_arguments(self, parser):
        parser.add_argument("topojson", help="land-50m.json from the world-atlas npm package")

    def handle(self, *args, topojson, **options):
        topology = json.loads(Path(topojson).read_text(encoding="utf-8"))
        data = {
            "source": "Natural Earth 1:50m land (public domain), via world-atlas 2.0.2",
            "frame": [charts.MAP_WEST, charts.MAP_SOUTH, charts.MAP_EAST, charts.MAP_NORTH],
            "land": land_path(topology),
        }
        charts.BASEMAP.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {charts.BASEMAP} ({len(data['land']):,} characters of path).")
