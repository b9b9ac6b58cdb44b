/* Desk maps: the point of a case (#case-map) and the points of a queue (#queue-map, its
   cases in a JSON block). Without JavaScript the coordinates and the list stay readable. */
(function () {
  "use strict";
  if (typeof L === "undefined" || !window.cppsBaseMap) { return; }

  function baseMap(element) {
    return window.cppsBaseMap(element, {
      tileUrl: element.dataset.tileUrl,
      tileAttribution: element.dataset.tileAttribution,
      geojsonUrl: element.dataset.geojsonUrl
    });
  }

  var caseElement = document.getElementById("case-map");
  if (caseElement) {
    var point = L.latLng(parseFloat(caseElement.dataset.lat), parseFloat(caseElement.dataset.lon));
    var caseMap = baseMap(caseElement);
    caseMap.setView(point, 16);
    L.circleMarker(point, { radius: 9, color: "#ce0500", weight: 3, fillOpacity: 0.5 })
      .addTo(caseMap);
  }

  var queueElement = document.getElementById("queue-map");
  if (queueElement) {
    var points = JSON.parse(document.getElementById("queue-points").textContent);
    var queueMap = baseMap(queueElement);
    var markers = points.map(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.label;
      return L.circleMarker([p.lat, p.lon], {
        radius: 7, weight: 2, fillOpacity: 0.6,
        color: p.overdue ? "#ce0500" : "#000091"
      }).bindPopup(link);
    });
    if (markers.length) {
      var group = L.featureGroup(markers).addTo(queueMap);
      queueMap.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 16 });
    }
    queueElement.dataset.points = String(markers.length);
  }
})();
