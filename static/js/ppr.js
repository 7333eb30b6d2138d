// PPR Sag: the idle-timeout warning and "nothing typed is lost" (autosave flushed before the page
// is left, a warning while text is unsaved). Everything works without JavaScript; this makes it
// faster and safer, not possible.
(function () {
  "use strict";

  var LEAVE_ANYWAY = "Dine seneste ændringer er ikke gemt. Vil du forlade siden alligevel?";
  var SAVE_FAILED = "Dine seneste ændringer kunne ikke gemmes. Prøv igen, eller kopiér teksten, før du forlader siden.";
  var FLUSH_TIMEOUT_MS = 10000;

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

  // --- Autosaved drafts (forms with data-autosave and hx-post to their autosave URL) ----------
  //
  // Typing saves after a pause (hx-trigger's delay). Leaving a field saves at once. A link, a
  // button of another form (e.g. "Vedhæft") or the form's own submit first waits for the save
  // in flight and sends what is still unsaved, so the next page never misses text or races the
  // draft's version. Closing the tab sends the rest with fetch's keepalive and warns.

  function Autosave(form) {
    this.form = form;
    this.url = form.getAttribute("hx-post");
    this.edits = 0;      // changes typed so far
    this.sentEdits = 0;  // edits included in the request in flight
    this.savedEdits = 0; // edits the server has confirmed
    this.busy = false;
    this.failed = false;
    this.submitting = false;
    this.waiters = [];
    this.whenIdle = null;
    var self = this;
    form.addEventListener("input", function () { self.edits += 1; });
    form.addEventListener("change", function () { self.edits += 1; });
    form.addEventListener("focusout", function () { if (self.dirty()) { self.save(); } });
    form.addEventListener("htmx:beforeRequest", function (event) { self.beforeRequest(event); });
    form.addEventListener("htmx:afterRequest", function (event) { self.afterRequest(event); });
    form.addEventListener("submit", function (event) { self.ownSubmit(event); });
  }

  Autosave.prototype.dirty = function () { return this.edits > this.savedEdits; };
  Autosave.prototype.unsafe = function () { return this.dirty() || this.busy || this.failed; };

  Autosave.prototype.save = function () { htmx.trigger(this.form, "autosave-now"); };

  Autosave.prototype.beforeRequest = function (event) {
    if (event.detail.elt !== this.form) { return; }
    if (this.submitting) { event.preventDefault(); return; }  // the full submit carries it all
    this.busy = true;
    this.sentEdits = this.edits;
  };

  Autosave.prototype.afterRequest = function (event) {
    if (event.detail.elt !== this.form) { return; }
    this.busy = false;
    var status = document.getElementById("autosave-status");
    var state = status ? status.dataset.autosaveState : "";
    this.failed = !event.detail.successful || Boolean(state && state !== "saved");
    if (!event.detail.successful && status) { showFailure(status); }
    if (!this.failed) { this.savedEdits = Math.max(this.savedEdits, this.sentEdits); }
    if (this.whenIdle) { var then = this.whenIdle; this.whenIdle = null; then(); return; }
    this.settle();
  };

  // Answer whoever waits for the draft to be stored: true once nothing is unsaved.
  Autosave.prototype.settle = function () {
    if (!this.waiters.length || this.busy) { return; }
    if (!this.failed && this.dirty()) { this.save(); return; }
    var ok = !this.failed, waiters = this.waiters;
    this.waiters = [];
    waiters.forEach(function (resolve) { resolve(ok); });
  };

  Autosave.prototype.flush = function () {
    var self = this;
    if (!this.dirty() && !this.busy) { return Promise.resolve(!this.failed); }
    return new Promise(function (resolve) {
      self.waiters.push(resolve);
      setTimeout(function () {
        var i = self.waiters.indexOf(resolve);
        if (i >= 0) { self.waiters.splice(i, 1); resolve(false); }
      }, FLUSH_TIMEOUT_MS);
      if (!self.busy) { self.save(); }
    });
  };

  // The form's own "Gem kladde"/"Send": wait for a save in flight (its answer carries the new
  // version), then submit; the delayed autosave is cancelled (beforeRequest) meanwhile.
  Autosave.prototype.ownSubmit = function (event) {
    if (this.submitting) { return; }
    this.submitting = true;
    if (!this.busy) { return; }
    event.preventDefault();
    var form = this.form, submitter = event.submitter;
    var self = this;
    this.whenIdle = function () { self.submitting = false; form.requestSubmit(submitter); };
  };

  // A network error or a server error: say so where "Gemt kl. …" stood (DKFDS error alert).
  function showFailure(status) {
    var alert = document.createElement("div");
    var body = document.createElement("div");
    var text = document.createElement("p");
    alert.id = "autosave-status";
    alert.className = "alert alert-error";
    alert.setAttribute("role", "alert");
    alert.dataset.autosaveState = "error";
    body.className = "alert-body";
    text.className = "alert-text";
    text.textContent = SAVE_FAILED;
    body.appendChild(text);
    alert.appendChild(body);
    status.replaceWith(alert);
  }

  // Last resort when the page goes away without a flush (tab closed, address typed).
  Autosave.prototype.sendNow = function () {
    if (!this.dirty()) { return; }
    fetch(this.url, {
      method: "POST",
      body: new FormData(this.form),
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
      keepalive: true,
    });
  };

  var autosaves = [];
  var unsavedForms = [];
  var leaving = false;

  function anyUnsafe() {
    return autosaves.some(function (a) { return a.unsafe() && !a.submitting; }) ||
      unsavedForms.some(function (f) { return f.dataset.unsaved === "true"; });
  }

  function flushAll() {
    return Promise.all(autosaves.map(function (a) { return a.flush(); }))
      .then(function (results) { return results.every(Boolean); });
  }

  function leaveAfterFlush(go) {
    flushAll().then(function (ok) {
      if (ok || window.confirm(LEAVE_ANYWAY)) { leaving = true; go(); }
    });
  }

  function navigatesAway(link, event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return false; }
    if ((link.target && link.target !== "_self") || link.hasAttribute("download")) { return false; }
    var here = window.location;
    return !(link.hash && link.pathname === here.pathname && link.search === here.search);
  }

  function guardNavigation() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || !autosaves.length || !navigatesAway(link, event)) { return; }
      if (!autosaves.some(function (a) { return a.dirty() || a.busy; })) { return; }
      event.preventDefault();
      leaveAfterFlush(function () { window.location.assign(link.href); });
    });
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.dataset.unsaved === "true") { form.dataset.unsaved = "false"; }
      if (form.dataset.flushed === "true") { form.dataset.flushed = "false"; return; }
      if (!autosaves.length || form.hasAttribute("data-autosave") || event.defaultPrevented) { return; }
      if (form.matches("[hx-post], [hx-get], [hx-put], [hx-delete]")) { return; }  // stays on the page
      if (!autosaves.some(function (a) { return a.dirty() || a.busy; })) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      leaveAfterFlush(function () { form.dataset.flushed = "true"; form.requestSubmit(submitter); });
    });
    window.addEventListener("beforeunload", function (event) {
      if (leaving || !anyUnsafe()) { return; }
      autosaves.forEach(function (a) { if (a.dirty() && !a.busy) { a.save(); } });
      event.preventDefault();
      event.returnValue = "";  // Chromium before 119 and Safari still need it
    });
    window.addEventListener("pagehide", function () {
      autosaves.forEach(function (a) { if (!a.submitting) { a.sendNow(); } });
    });
  }

  // --- Long texts without a stored draft: warn before leaving what was typed -----------------
  function watchUnsaved(form) {
    unsavedForms.push(form);
    var mark = function () { form.dataset.unsaved = "true"; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
  }

  function setUpNothingLost() {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (form.getAttribute("hx-post")) { autosaves.push(new Autosave(form)); }
    });
    document.querySelectorAll("form[method=post]:not([data-autosave])").forEach(function (form) {
      if (form.querySelector("textarea") || form.hasAttribute("data-warn-unsaved")) { watchUnsaved(form); }
    });
    guardNavigation();
  }

  // --- Confirmations (meetfriction): destructive or sending actions open a DKFDS modal ---------
  // The trigger is a link to the confirmation page (or a form's submit button) and works without
  // JavaScript; here it opens the modal instead. DKFDS's Modal (set up by DKFDS.init() in
  // dkfds-init.js, which runs first) shows and hides it, traps focus (everything outside the
  // modal's container becomes inert, so the container moves to <body>), closes on Escape and
  // returns focus to the trigger.
  // DKFDS makes the rest of the page inert, but Tab from the last button would still leave the
  // page for the browser's own controls: wrap it round to the first, and Shift+Tab back.
  function keepTabInside(modal, event) {
    if (event.key !== "Tab") { return; }
    var items = Array.prototype.filter.call(
      modal.querySelectorAll("a[href], button:not([disabled]), input, select, textarea"),
      function (element) { return element.offsetParent !== null; }
    );
    if (!items.length) { return; }
    var first = items[0], last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  function setUpConfirmations() {
    if (!window.DKFDS || !window.DKFDS.Modal) { return; }
    document.querySelectorAll("[data-ppr-confirm-container]").forEach(function (container) {
      var modal = container.querySelector(".fds-modal");
      document.body.appendChild(container);
      modal.addEventListener("keydown", function (event) { keepTabInside(modal, event); });
      document.querySelectorAll('[data-target="' + modal.id + '"]').forEach(function (trigger) {
        trigger.setAttribute("aria-haspopup", "dialog");
        // The link or submit button would leave the page; the modal asks first.
        trigger.addEventListener("click", function (event) { event.preventDefault(); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", setUpIdleWarning);
  document.addEventListener("DOMContentLoaded", setUpNothingLost);
  document.addEventListener("DOMContentLoaded", setUpConfirmations);
})();
