"""The server-side SVG charts: well-formed standalone documents showing the right marks."""

from __future__ import annotations

from observatoire import charts
from tests.observatoire.conftest import parse_svg as parse

NS = {"svg": "http://www.w3.org/2000/svg"}


def texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_french_numbers():
    assert charts.fr_number(1234567) == "1\u202f234\u202f567"
    assert charts.fr_number(3.14159, 2) == "3,14"
    assert charts.fr_number(None) == "—"
    assert charts.fr_number(float("nan")) == "—"
    assert charts.fr_percent(0.256) == "26\u00a0%"


def test_tick_labels_get_the_decimals_they_need():
    assert charts.tick_decimals(charts.nice_ticks(87)) == 0
    assert charts.tick_decimals(charts.nice_ticks(1, 4)) == 2  # 0, 0.25, 0.5…
    assert charts.tick_decimals([0, 0.5, 1]) == 1
    root = parse(charts.bar_chart([("Guichet", 0)], title="Délais", scale_max=100))
    assert "100" in texts(root) and "25" in texts(root)


def test_nice_ticks_cover_the_maximum_with_round_steps():
    assert charts.nice_ticks(87) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(0) == [0.0, 1.0]
    ticks = charts.nice_ticks(1234)
    assert ticks[-1] >= 1234 and ticks[1] in (250, 500)


def test_quantile_classes_put_zero_apart():
    values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    breaks = charts.class_breaks(values, 5)
    assert breaks == [2, 4, 6, 8, 10]
    assert charts.class_of(0, breaks) == 0
    assert charts.class_of(None, breaks) == 0
    assert charts.class_of(1, breaks) == 1
    assert charts.class_of(10, breaks) == 5
    assert charts.class_colour(0, breaks) == charts.MAP_SEQUENTIAL[0]
    assert charts.class_colour(5, breaks) == charts.MAP_SEQUENTIAL[-1]
    assert charts.legend_labels(breaks)[:3] == ["0", "1 à 2", "3 à 4"]
    assert charts.legend_labels([1, 2, 7]) == ["0", "1", "2", "3 à 7"]
    assert charts.legend_labels([0.5, 1.25], 1) == ["0", "≤ 0,5", "0,5 à 1,2"]
    # Few distinct values: fewer classes, still spread from light to dark.
    assert charts.class_breaks([5, 5, 5]) == [5]
    assert charts.class_colour(1, [5]) == charts.MAP_SEQUENTIAL[-1]


def test_line_chart_draws_observed_expected_and_band_where_known():
    labels = ["S1", "S2", "S3", "S4"]
    svg = charts.line_chart(
        labels,
        [10, 12, 30, 8],
        expected=[None, 11.0, 12.0, 10.0],
        upper=[None, 18.0, 20.0, 17.0],
        title="Évolution & niveau <attendu>",
    )
    root = parse(svg)
    assert root.find("svg:title", NS).text == "Évolution & niveau <attendu>"
    observed = root.find(".//svg:polyline[@class='observed']", NS)
    assert len(observed.get("points").split()) == 4
    band = root.findall(".//svg:polygon[@class='band']", NS)
    assert len(band) == 1 and len(band[0].get("points").split()) == 6  # 3 weeks × 2 edges
    # The week above its upper bound is marked in red, with its value in the tooltip.
    red = [c for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.get("fill") == "#c9191e"]
    assert len(red) == 1 and "S3 : 30" in "".join(red[0].itertext())
    assert "Seuil d'alerte" in texts(root)


def test_line_chart_without_data_says_so():
    root = parse(charts.line_chart([], [], title="Vide"))
    assert "Aucune donnée pour ces filtres" in texts(root)


def test_bar_chart_one_bar_per_row_in_order_with_escaped_labels():
    rows = [("Bruit & <cris>", 1200), ("Rodéos", 300), ("Dépôts", 0)]
    root = parse(charts.bar_chart(rows, title="Par catégorie"))
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    assert len(bars) == 3
    widths = [float(b.get("width")) for b in bars]
    assert widths[0] > widths[1] > widths[2] == 0
    assert "Bruit & <cris>" in texts(root)
    assert "1\u202f200" in texts(root)


def test_heatmap_has_one_cell_per_hour_and_day():
    matrix = [[(d * 24 + h) % 7 for h in range(24)] for d in range(7)]
    days = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
    root = parse(charts.heatmap(matrix, days, [f"{h} h" for h in range(24)], title="Heures"))
    cells = root.findall(".//svg:rect[@class='cell']", NS)
    assert len(cells) == 168
    zero = [c for c in cells if c.get("fill") == charts.SEQUENTIAL[0]]
    assert len(zero) == sum(1 for row in matrix for v in row if v == 0)
    assert "Dimanche" in texts(root)


def square(x, y, size=0.01):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_choropleth_colours_areas_by_class_and_keeps_the_shape():
    areas = [
        ("A", "Quartier A", square(2.30, 48.85)),
        ("B", "Quartier B", square(2.31, 48.85)),
        ("C", "Quartier C", square(2.32, 48.85)),
    ]
    root = parse(
        charts.choropleth(
            areas,
            {"A": 0, "B": 5, "C": 50},
            title="Carte",
            legend_title="Doléances",
            context=[square(2.40, 48.90)],
            overlays=[(square(2.321, 48.851, 0.002), 3, "Point chaud (99 %)")],
            overlay_title="Points chauds",
        )
    )
    paths = {p.get("data-code"): p for p in root.findall(".//svg:path[@class='area']", NS)}
    assert paths["A"].get("fill") == charts.MAP_SEQUENTIAL[0]
    assert paths["C"].get("fill") == charts.MAP_SEQUENTIAL[-1]
    assert paths["B"].get("fill") not in (charts.MAP_SEQUENTIAL[0], paths["C"].get("fill"))
    # Equirectangular: a 0.01° square is narrower than tall at Paris' latitude (cos 48.85°).
    xs = [float(v.split(",")[0]) for v in paths["A"].get("d")[1:-1].split("L")]
    ys = [float(v.split(",")[1]) for v in paths["A"].get("d")[1:-1].split("L")]
    ratio = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert abs(ratio - 0.658) < 0.02
    overlay = root.find(".//svg:path[@class='overlay']", NS)
    assert overlay.get("fill") == charts.GI_BIN_COLOURS[3]
    assert "Point chaud (99 %)" in texts(root)
    assert "Quartier C : 50" in "".join(paths["C"].itertext())


def test_choropleth_multipolygons_and_empty_map():
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(2.3, 48.8)["coordinates"], square(2.35, 48.8)["coordinates"]],
    }
    root = parse(charts.choropleth([("M", "Îles", multi)], {"M": 3}, title="t", legend_title="l"))
    assert root.find(".//svg:path[@class='area']", NS).get("d").count("M") == 2
    root = parse(charts.choropleth([], {}, title="t", legend_title="l"))
    assert "Aucun contour chargé" in texts(root)
