"""Make ``kg/data/levant_outline.json``: the country outlines the explorer's map draws.

Reads Natural Earth's 1:50m Admin-0 countries as TopoJSON from the npm package
``world-atlas`` 2.0.2 (Natural Earth 4.1.0; get it once with ``npm pack world-atlas@2.0.2``
and untar it), decodes the arcs of Syria and its neighbours, clips each ring to the map's
frame (Sutherland-Hodgman on a rectangle) and rounds coordinates to 0.01° (about 1 km),
which is finer than the map ever draws. Deterministic. Run::

    python tools/make_outline.py package/countries-50m.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kg" / "data" / "levant_outline.json"
#: Map frame (west, south, east, north), degrees: Syria and enough of its neighbours to read it.
BBOX = (33.0, 29.3, 44.5, 38.6)
#: ISO 3166-1 numeric code → name shown on the map (Natural Earth's names, "N. Cyprus" kept apart).
COUNTRIES = {
    "760": "Syrie",
    "792": "Turquie",
    "368": "Irak",
    "400": "Jordanie",
    "422": "Liban",
    "376": "Israël",
    "275": "Palestine",
    "196": "Chypre",
    "682": "Arabie saoudite",
    "818": "Égypte",
    "364": "Iran",
}
NORTHERN_CYPRUS = "N. Cyprus"  # no ISO code in Natural Earth; drawn as part of Cyprus


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Absolute (lon, lat) points of every arc of a quantized TopoJSON topology."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """One ring from arc indices (a negative index ``~i`` is arc ``i`` reversed)."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def clip(points: list[tuple[float, float]], bbox: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clipping of a closed ring to a rectangle."""
    west, south, east, north = bbox
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    )
    for inside, cross in edges:
        if not points:
            break
        out = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
            previous = current
        points = out
    return points


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points: list[tuple[float, float]]) -> list[list[float]]:
    """Round to 0.01° and drop consecutive repeats."""
    out: list[list[float]] = []
    for lon, lat in points:
        p = [round(lon, 2), round(lat, 2)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topojson", type=Path, help="countries-50m.json of the world-atlas npm package")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    args = parser.parse_args()
    topo = json.loads(args.topojson.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    countries: dict[str, list] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        code = geometry.get("id") or ("196" if geometry["properties"]["name"] == NORTHERN_CYPRUS else None)
        if code not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for indices in polygon[:1]:  # outer rings only: no country here has a hole at this scale
                points = simplify(clip(ring(indices, arcs), BBOX))
                if len(points) >= 3:
                    countries.setdefault(code, []).append(points)
    data = {
        "source": "Natural Earth 1:50m Admin-0 countries, version 4.1.0 (public domain), as TopoJSON in the "
        "npm package world-atlas 2.0.2 (ISC); Syria and neighbours, clipped to bbox, rounded to 0.01 deg "
        "by tools/make_outline.py",
        "bbox": list(BBOX),
        "countries": [
            {"iso": code, "name": COUNTRIES[code], "rings": countries[code]}
            for code in sorted(countries, key=lambda c: (c != "760", COUNTRIES[c]))
        ],
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(data['countries'])} countries, {size:,} bytes)")


if __name__ == "__main__":
    main()
