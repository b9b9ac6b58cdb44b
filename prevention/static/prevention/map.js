/* Tension map: our own quartier outlines, and a line between the centres of each pair of
   territories in tension (red: active, orange: calming). Latent pairs (a history, nothing
   recent) are many and say little about today: they sit in a layer shown only on request.
   No inline script: data-* only. */
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
    var current = L.featureGroup().addTo(map);
    var latent = L.featureGroup();
    graph.edges.forEach(function (edge) {
      var line = L.polyline([where[edge.first], where[edge.second]], {
        color: colours[edge.state] || "#95a5a6", weight: 4, className: "paire paire-" + edge.state
      }).bindPopup(edge.state_label + " — " + edge.events + " événement(s)");
      line.on("dblclick", function () {
        window.location.href = element.dataset.pairUrl + edge.first + "/" + edge.second + "/";
      });
      line.addTo(edge.state === "latente" ? latent : current);
    });
    var toggle = document.getElementById("paires-latentes");
    if (toggle) {
      toggle.disabled = latent.getLayers().length === 0;
      toggle.addEventListener("change", function () {
        if (toggle.checked) { latent.addTo(map); } else { latent.remove(); }
      });
    }
    if (current.getLayers().length) { map.fitBounds(current.getBounds(), { padding: [20, 20] }); }
  });
}());
