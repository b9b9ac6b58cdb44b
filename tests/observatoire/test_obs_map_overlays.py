"""The barometer's PDF map drew hot spot hexagons cut at the edges of the sector (issue 11
§5): the map is fitted to the hexagons as well as to the quartiers."""

import re

import h3

from observatoire.charts import choropleth

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[2.35, 48.88], [2.36, 48.88], [2.36, 48.89], [2.35, 48.89], [2.35, 48.88]]],
}


def hexagon(lat, lon, res=8):
    ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(h3.latlng_to_cell(lat, lon, res))]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_hexagons_on_the_edge_are_drawn_whole():
    edge = hexagon(48.8900, 2.3600)  # centred on the square's corner: half of it outside
    width, legend = 640, 210
    svg = choropleth(
        [("a", "Quartier A", SQUARE)],
        {"a": 3},
        title="Carte",
        legend_title="Doléances",
        overlays=[(edge, 3, "Point chaud")],
        width=width,
        legend_width=legend,
    )
    height = float(re.search(r'viewBox="0 0 \d+ (\d+)"', svg)[1])
    path = re.search(r'<path class="overlay" d="([^"]+)"', svg)[1]
    points = [tuple(map(float, p.split(","))) for p in re.findall(r"[-\d.]+,[-\d.]+", path)]
    assert len(points) >= 6
    assert all(0 <= x <= width - legend and 0 <= y <= height for x, y in points)
