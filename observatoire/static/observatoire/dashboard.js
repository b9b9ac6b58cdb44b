/* The observatory dashboard, enhanced: the map (quartier choropleth, hot spot cells) and,
   when a filter changes, the map data and the panels (figures, charts, tables) reloaded
   without leaving the page; the URL follows, so the view can still be shared.
   Without JavaScript the filter form is a plain GET form and every chart is already drawn. */
(function () {
  "use strict";

  var form = document.getElementById("filtres");
  var mapElement = document.getElementById("carte");
  if (!form || !mapElement || !window.L) { return; }

  var panels = document.getElementById("panneaux");
  var status = document.getElementById("etat-filtres");
  var legend = document.getElementById("legende-carte");
  var alertList = document.getElementById("alertes-carte");
  var modeField = document.getElementById("mode-carte-valeur");
  var hotToggle = document.getElementById("couche-points-chauds");

  var map = L.map(mapElement, { zoomSnap: 0.25, scrollWheelZoom: false });
  window.cppsObservatoryMap = map;
  map.attributionControl.setPrefix(false);
  if (mapElement.dataset.tileUrl) {
    L.tileLayer(mapElement.dataset.tileUrl, {
      attribution: mapElement.dataset.tileAttribution, maxZoom: 19
    }).addTo(map);
  }
  map.attributionControl.addAttribution("Contours : Ville de Paris (ODbL)");
  map.setView([48.8566, 2.3522], 12);

  var outlines = null;   // L.geoJSON of the quartiers
  var hotLayer = L.geoJSON(null, {
    style: function (feature) {
      return { color: "#333", weight: 0.4, fillColor: feature.properties.fill, fillOpacity: 0.65,
               className: "hexagone gi-" + feature.properties.gi_bin };
    },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(feature.properties.label + " — " + feature.properties.count + " doléance(s)");
    }
  });
  var data = null;
  var sequence = 0;

  function mode() {
    var checked = document.querySelector("input[name=mode-carte]:checked");
    return checked ? checked.value : "nombre";
  }

  function quartierStyle(feature) {
    var row = data && data.quartiers[feature.properties.code];
    var fill = data ? data.empty_fill : "#ffffff";
    if (row) { fill = mode() === "densite" ? row.fill_density : row.fill_count; }
    return { color: "#555", weight: 1, fillColor: fill, fillOpacity: 0.85,
             className: "quartier q-" + feature.properties.code };
  }

  function tooltip(feature) {
    var row = data && data.quartiers[feature.properties.code];
    var name = feature.properties.name;
    if (!row) { return name + " : 0 doléance"; }
    return name + " : " + row.count_text + " doléance(s)" +
      (row.density_text !== "—" ? ", " + row.density_text + " par km²" : "");
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) { node.className = className; }
    return node;
  }

  function drawLegend() {
    legend.replaceChildren();
    var items = mode() === "densite" ? data.legend.density : data.legend.count;
    var title = mode() === "densite" ? "Doléances par km²" : "Nombre de doléances";
    legend.append(text("p", title, "obs-legend-title"));
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var swatch = text("span", "", "swatch");
      swatch.style.background = item.fill;
      li.append(swatch, document.createTextNode(item.label));
      list.append(li);
    });
    legend.append(list);
    if (hotToggle.checked && data.hotspots.features.length) {
      legend.append(text("p", "Points chauds et froids (Gi*)", "obs-legend-title"));
      var bins = document.createElement("ul");
      data.legend.hotspots.forEach(function (item) {
        var li = document.createElement("li");
        var swatch = text("span", "", "swatch");
        swatch.style.background = item.fill;
        li.append(swatch, document.createTextNode(item.label));
        bins.append(li);
      });
      legend.append(bins);
    }
  }

  function drawAlerts() {
    alertList.replaceChildren();
    if (!data.alerts.length) { alertList.append(text("li", "Aucune alerte.", "none")); return; }
    data.alerts.forEach(function (a) {
      var li = document.createElement("li");
      li.append(text("strong", a.what), document.createTextNode(
        " — " + a.where + " : " + a.observed + " doléances pour " + a.expected +
        " attendues (depuis la semaine du " + a.since + ")"));
      alertList.append(li);
    });
  }

  function redraw() {
    if (!outlines || !data) { return; }
    outlines.setStyle(quartierStyle);
    outlines.eachLayer(function (layer) { layer.setTooltipContent(tooltip(layer.feature)); });
    hotLayer.clearLayers();
    hotLayer.addData(data.hotspots);
    if (hotToggle.checked) { hotLayer.addTo(map); } else { hotLayer.remove(); }
    drawLegend();
    drawAlerts();
    mapElement.dataset.ready = String(sequence);
  }

  function fitToData() {
    // A sector page zooms on the sector's quartiers; Paris shows all of them.
    var shown = outlines.getLayers().filter(function (layer) {
      return !data.sector || data.quartiers[layer.feature.properties.code];
    });
    if (shown.length) { map.fitBounds(L.featureGroup(shown).getBounds(), { padding: [8, 8] }); }
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") { params.append(key, value); }
    });
    return params.toString();
  }

  function loadMap(qs, first) {
    var mine = ++sequence;
    return fetch(form.dataset.mapUrl + "?" + qs, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (answer) {
        if (mine !== sequence) { return; }
        data = answer;
        redraw();
        if (first) { fitToData(); }
      });
  }

  /* Slow sections come after the page: each placeholder fetches its own fragment. */
  function loadLazySections() {
    panels.querySelectorAll(".obs-lazy[data-url]").forEach(function (placeholder) {
      fetch(placeholder.dataset.url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) {
          if (placeholder.isConnected) { placeholder.outerHTML = html; }
        })
        .catch(function () {
          placeholder.querySelector(".obs-note").textContent = "Ce calcul n'a pas pu aboutir.";
          placeholder.removeAttribute("aria-busy");
        });
    });
  }

  function loadPanels(qs) {
    return fetch(form.dataset.panelsUrl + "?" + qs, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { panels.innerHTML = html; loadLazySections(); });
  }

  function refresh() {
    var qs = query();
    history.replaceState(null, "", form.getAttribute("action") + "?" + qs);
    document.querySelectorAll(".obs-map a[download]").forEach(function (a) {
      var url = new URL(a.href, window.location.href);
      url.search = qs;
      a.href = url.toString();
    });
    status.textContent = "Mise à jour…";
    Promise.all([loadMap(qs, false), loadPanels(qs)]).then(function () {
      status.textContent = "Tableau de bord mis à jour.";
    }).catch(function () {
      status.textContent = "La mise à jour a échoué : utilisez le bouton « Appliquer les filtres ».";
    });
  }

  var timer = null;
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });

  document.querySelectorAll("input[name=mode-carte]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      modeField.value = mode();
      history.replaceState(null, "", form.getAttribute("action") + "?" + query());
      redraw();
    });
  });
  hotToggle.addEventListener("change", redraw);
  loadLazySections();

  fetch(mapElement.dataset.geojsonUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geojson) {
      outlines = L.geoJSON(geojson, {
        style: quartierStyle,
        onEachFeature: function (feature, layer) { layer.bindTooltip(tooltip(feature), { sticky: true }); }
      }).addTo(map);
      return loadMap(query(), true);
    })
    .catch(function () {
      mapElement.replaceChildren(text("p", "La carte n'a pas pu être chargée.", "error"));
    });
})();
