/* Tension map: our own quartier outlines, and a line between the centres of each pair of
   territories in tension (red: active, orange: calming). No inline script: data-* only. */
(function () {
  "use strict";
  var element = document.getElementById("carte-tensions");
  if (!element || typeof L === "undefined") { return; }
  var map = L.map(element, { zoomSnap: 0.25 }).setView([48.8566, 2.3522], 12);
  var colours = { active: "#c0392b", apaisement: "#e67e22", latente: "#95a5a6" };
  var json = function (url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); });
  };
  json(element.dataset.outlinesUrl).then(function (geojson) {
    L.geoJSON(geojson, { style: { color: "#7f8c8d", weight: 1, fillOpacity: 0.03 } }).addTo(map);
  });
  json(element.dataset.graphUrl).then(function (graph) {
    var where = {};
    graph.nodes.forEach(function (node) {
      where[node.code] = [node.lat, node.lon];
      L.circleMarker(where[node.code], { radius: 4, color: "#2c3e50" })
        .bindTooltip(node.label).addTo(map);
    });
    var lines = [];
    graph.edges.forEach(function (edge) {
      var line = L.polyline([where[edge.first], where[edge.second]], {
        color: colours[edge.state] || "#95a5a6", weight: 4
      }).bindPopup(edge.state_label + " — " + edge.events + " événement(s)");
      line.on("dblclick", function () {
        window.location.href = element.dataset.pairUrl + edge.first + "/" + edge.second + "/";
      });
      lines.push(line.addTo(map));
    });
    if (lines.length) { map.fitBounds(L.featureGroup(lines).getBounds(), { padding: [20, 20] }); }
  });
}());
