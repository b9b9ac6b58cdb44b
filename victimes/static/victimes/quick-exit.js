// « Quitter ce site » and the Esc key: replace this page by a neutral site, without leaving
// it in the history (location.replace), so that the back button does not bring it back.
(function () {
  "use strict";
  var exit = document.getElementById("quitter");
  if (!exit) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.visibility = "hidden";
    window.location.replace(exit.href);
  }
  exit.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
})();
