/* Starts Redoc on the API schema with the settings of REDOC_UI_SETTINGS (French labels,
   system fonts); kept out of the page so that no inline script is needed. */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(document.getElementById("redoc-settings").textContent || "{}");
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
