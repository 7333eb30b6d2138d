// PPR Sag: the idle-timeout warning. Everything else works without JavaScript; htmx makes it faster.
(function () {
  "use strict";

  function setUpIdleWarning() {
    var body = document.body;
    var timeout = parseInt(body.dataset.idleTimeout || "0", 10);
    var warning = parseInt(body.dataset.idleWarning || "0", 10);
    var dialog = document.getElementById("idle-warning");
    if (!timeout || !dialog) { return; }
    var warnTimer, logoutTimer;

    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(logoutTimer);
      warnTimer = setTimeout(function () {
        if (typeof dialog.showModal === "function") { dialog.showModal(); }
        dialog.querySelector("[data-action=stay-logged-in]").focus();
      }, Math.max(timeout - warning, 1) * 1000);
      logoutTimer = setTimeout(function () {
        window.location.href = body.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname);
      }, (timeout + 5) * 1000);
    }

    dialog.querySelector("[data-action=stay-logged-in]").addEventListener("click", function () {
      var token = JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
      fetch(body.dataset.keepaliveUrl, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" })
        .then(function () { dialog.close(); schedule(); });
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      var poll = event.detail && event.detail.requestConfig && event.detail.requestConfig.headers["X-PPR-Poll"];
      if (!poll) { schedule(); }
    });
    schedule();
  }

  document.addEventListener("DOMContentLoaded", setUpIdleWarning);
})();
