/* One base map for every screen: the configured plan tiles (IGN Géoplateforme by default) with
   the quartier outlines over them. The outlines are the offline fallback: when no tile URL is
   configured, or when tiles fail to load, the map says so (data-fond="contours") and the
   outlines are filled so that the city remains readable. Exposes window.cppsBaseMap. */
(function () {
  "use strict";

  var PARIS = [48.8566, 2.3429];

  function outlineStyle(fallback) {
    return fallback
      ? { color: "#000091", weight: 1, fillColor: "#dfe5ff", fillOpacity: 0.35 }
      : { color: "#000091", weight: 1, fillOpacity: 0 };
  }

  /* element: the map container; config: {tileUrl, tileAttribution, geojsonUrl, onOutlines}. */
  window.cppsBaseMap = function (element, config) {
    var map = L.map(element, { keyboard: false, zoomControl: true, attributionControl: true })
      .setView(PARIS, 12);
    var outlines = null;
    function setFallback(fallback) {
      element.dataset.fond = fallback ? "contours" : "plan";
      if (outlines) { outlines.setStyle(outlineStyle(fallback)); }
    }
    if (config.tileUrl) {
      var tiles = L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 19 });
      var loaded = false;
      tiles.on("tileload", function () { loaded = true; setFallback(false); });
      tiles.on("tileerror", function () { if (!loaded) { setFallback(true); } });
      tiles.addTo(map);
      element.dataset.fond = "chargement";
    } else {
      setFallback(true);
    }
    map.attributionControl.addAttribution("Quartiers : Ville de Paris (ODbL)");
    if (config.geojsonUrl) {
      fetch(config.geojsonUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          outlines = L.geoJSON(data, {
            interactive: false, style: outlineStyle(element.dataset.fond !== "plan")
          }).addTo(map);
          outlines.bringToBack();
          if (config.onOutlines) { config.onOutlines(outlines); }
        })
        .catch(function () { /* The map stays usable without the outlines. */ });
    }
    return map;
  };
})();
