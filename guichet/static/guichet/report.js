/* The report form, enhanced: map (click, keyboard, geolocation), category hints, counter.
   Without JavaScript the form still works through the address and postal code fields. */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form) { return; }

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  /* Category: its help text, the emergency box and the police complaint box. */
  var hints = JSON.parse(document.getElementById("category-hints").textContent);
  var select = document.getElementById("id_category");
  var help = document.getElementById("id_category_helptext");
  var defaultHelp = help ? help.textContent : "";
  function showCategoryHints() {
    var hint = hints[select.value];
    if (help) { help.textContent = (hint && hint.help) || defaultHelp; }
    document.getElementById("alerte-urgence").hidden = !(hint && hint.emergency);
    document.getElementById("info-plainte").hidden = !(hint && hint.police);
  }
  select.addEventListener("change", function () {
    showCategoryHints();
    form.dispatchEvent(new CustomEvent("cpps:where-or-what-changed"));
  });
  showCategoryHints();

  /* Description: a live counter; over the limit is allowed to type, refused on sending. */
  var description = document.getElementById("id_description");
  var counter = document.getElementById("compteur");
  var announce = document.getElementById("compteur-annonce");
  var limit = parseInt(counter.dataset.limit, 10);
  var announceTimer = null;
  function countText() {
    var n = description.value.length;
    var rest = limit - n;
    var text = rest >= 0
      ? (rest > 1 ? "Il vous reste " + rest + " caractères." : "Il vous reste " + rest + " caractère.")
      : "Vous avez dépassé la limite de " + (-rest) + (rest < -1 ? " caractères." : " caractère.");
    counter.textContent = n + " / " + limit + " — " + text;
    counter.classList.toggle("over", rest < 0);
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { announce.textContent = text; }, 800);
  }
  description.addEventListener("input", countText);
  countText();

  /* Already reported nearby: offer to follow an open complaint instead of filing again. */
  var panel = document.getElementById("doublons");
  var list = document.getElementById("doublons-liste");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var nearbySeq = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function followBlock(item, index) {
    var box = el("div", { "class": "follow", id: "suivre-" + index, hidden: "" });
    var label = el("label", { "for": "suivre-courriel-" + index }, "Votre courriel");
    // No name attribute: this address is not part of the new report.
    var email = el("input", { type: "email", id: "suivre-courriel-" + index, autocomplete: "email" });
    var confirm = el("button", { type: "button" }, "Confirmer le suivi");
    var message = el("p", { "class": "error", role: "alert", hidden: "" });
    var field = el("div", { "class": "field" });
    field.append(label, email);
    box.append(field, confirm, message);

    function send() {
      var body = new URLSearchParams({ reference: item.reference, email: email.value });
      fetch(panel.dataset.followUrl, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" }
      }).then(function (r) { return r.json(); }).then(function (answer) {
        if (answer.errors) {
          var all = [];
          Object.keys(answer.errors).forEach(function (k) { all = all.concat(answer.errors[k]); });
          message.textContent = all.join(" ");
          message.hidden = false;
          email.focus();
          return;
        }
        // No link here: the follower's own link comes by e-mail, once the address is confirmed.
        box.replaceChildren(el("p", { "class": "success", role: "status" }, answer.message));
      }).catch(function () {
        message.textContent = "Le suivi n'a pas pu être enregistré. Réessayez.";
        message.hidden = false;
      });
    }
    confirm.addEventListener("click", send);
    email.addEventListener("keydown", function (event) {
      // Enter here follows the complaint; it must not send the new report.
      if (event.key === "Enter") { event.preventDefault(); send(); }
    });
    return box;
  }

  function showNearby(results) {
    list.replaceChildren();
    results.forEach(function (item, index) {
      var li = el("li");
      li.append(
        el("strong", {}, item.category),
        document.createTextNode(" — " + item.reference + ", signalé le " + item.received_label +
          ", à " + item.distance_label + " — " + item.status_label + " ")
      );
      var open = el("button", { type: "button", "class": "secondary", "aria-expanded": "false",
        "aria-controls": "suivre-" + index }, "Suivre ce signalement");
      var box = followBlock(item, index);
      open.addEventListener("click", function () {
        box.hidden = !box.hidden;
        open.setAttribute("aria-expanded", String(!box.hidden));
        if (!box.hidden) { box.querySelector("input").focus(); }
      });
      li.append(open, box);
      list.append(li);
    });
    panel.hidden = results.length === 0;
  }

  form.addEventListener("cpps:where-or-what-changed", function () {
    var lat = document.getElementById("id_latitude").value;
    var lon = document.getElementById("id_longitude").value;
    var seq = ++nearbySeq;
    if (!select.value || !lat || !lon) { showNearby([]); return; }
    var query = new URLSearchParams({ category: select.value, lat: lat, lon: lon });
    fetch(panel.dataset.url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (answer) { if (seq === nearbySeq) { showNearby(answer.results || []); } })
      .catch(function () { /* The panel is a help, not a step: the report can still be sent. */ });
  });

  /* Map */
  if (typeof L === "undefined") { return; }
  var block = document.getElementById("carte-bloc");
  block.hidden = false;
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var found = document.getElementById("lieu-trouve");
  var mapError = document.getElementById("lieu-erreur");
  var clearButton = document.getElementById("effacer-point");
  var outsideMessage = form.dataset.outsideMessage;

  var map = window.cppsBaseMap(document.getElementById("carte"), {
    tileUrl: form.dataset.tileUrl,
    tileAttribution: form.dataset.tileAttribution,
    geojsonUrl: form.dataset.geojsonUrl,
    onOutlines: function (layer) { if (!marker) { map.fitBounds(layer.getBounds()); } }
  });
  window.cppsReportMap = map;

  var marker = null;
  var locateTimer = null;
  var locateSeq = 0;

  function setError(message) {
    mapError.textContent = message || "";
    mapError.hidden = !message;
  }

  function clearPoint() {
    if (marker) { map.removeLayer(marker); marker = null; }
    latInput.value = "";
    lonInput.value = "";
    found.textContent = "";
    clearButton.hidden = true;
    form.dispatchEvent(new CustomEvent("cpps:where-or-what-changed"));
  }

  function locate(latlng) {
    var seq = ++locateSeq;
    var url = form.dataset.locateUrl + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        if (seq !== locateSeq) { return; }
        if (!answer.inside_paris) {
          clearPoint();
          setError(outsideMessage);
          return;
        }
        setError("");
        found.textContent = "Lieu choisi : quartier " + answer.quartier.name + ", " +
          answer.arrondissement.name + ".";
        form.dispatchEvent(new CustomEvent("cpps:where-or-what-changed"));
      })
      .catch(function () {
        if (seq === locateSeq) { found.textContent = "Point placé (quartier non vérifié)."; }
      });
  }

  function place(latlng, now) {
    if (!marker) {
      marker = L.marker(latlng, { draggable: true, keyboard: false, title: "Lieu du signalement" })
        .addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng(), true); });
    } else {
      marker.setLatLng(latlng);
    }
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
    clearButton.hidden = false;
    found.textContent = "";
    clearTimeout(locateTimer);
    if (now) { locate(latlng); } else { locateTimer = setTimeout(function () { locate(latlng); }, 400); }
  }

  map.on("click", function (event) { place(event.latlng, true); });

  document.getElementById("carte").addEventListener("keydown", function (event) {
    var steps = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
    if (event.key === "+" || event.key === "=") { map.zoomIn(); event.preventDefault(); return; }
    if (event.key === "-" || event.key === "−") { map.zoomOut(); event.preventDefault(); return; }
    var step = steps[event.key];
    if (!step) { return; }
    event.preventDefault();
    if (!marker) { place(map.getCenter(), false); return; }
    var size = event.shiftKey ? 50 : 10;
    var point = map.latLngToContainerPoint(marker.getLatLng()).add([step[0] * size, step[1] * size]);
    var latlng = map.containerPointToLatLng(point);
    place(latlng, false);
    if (!map.getBounds().pad(-0.1).contains(latlng)) { map.panTo(latlng); }
  });

  document.getElementById("point-centre").addEventListener("click", function () {
    place(map.getCenter(), true);
    document.getElementById("carte").focus();
  });
  clearButton.addEventListener("click", function () { clearPoint(); setError(""); });

  var geoButton = document.getElementById("ma-position");
  if (!("geolocation" in navigator)) { geoButton.hidden = true; }
  geoButton.addEventListener("click", function () {
    found.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
      map.setView(latlng, 16);
      place(latlng, true);
    }, function () {
      found.textContent = "";
      setError("Votre position n'est pas disponible : placez le point sur la carte ou saisissez une adresse.");
    }, { enableHighAccuracy: true, timeout: 10000 });
  });

  /* After a refused submission, show the point the resident had placed. */
  var lat = parseFloat(latInput.value);
  var lon = parseFloat(lonInput.value);
  if (isFinite(lat) && isFinite(lon)) {
    var start = L.latLng(lat, lon);
    map.setView(start, 15);
    place(start, true);
  }
})();
