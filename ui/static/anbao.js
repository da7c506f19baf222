// Anbao UI behaviour. No inline scripts are allowed by the Content-Security-
// Policy, so every bit of behaviour lives here and hooks onto data-* attributes.
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Toast: a banner for errors of htmx requests (their bodies are JSON error objects).
  var toastTimer = null;
  function toast(message) {
    var el = $("#toast");
    if (!el) { return; }
    $(".toast-text", el).textContent = message;
    el.hidden = false;
    if (toastTimer) { clearTimeout(toastTimer); }
    toastTimer = setTimeout(function () { el.hidden = true; }, 8000);
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".toast-close")) { $("#toast").hidden = true; }
  });
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr, msg = document.body.dataset.msgError || "Error";
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.message) { msg = body.message; }
      if (body && body.request_id) { msg += " (" + body.request_id + ")"; }
    } catch (err) { /* not JSON: keep the generic message */ }
    if (xhr.status === 401) { window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname + window.location.search); return; }
    toast(msg);
  });
  document.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.msgNetwork || "Network error");
  });

  // Filter forms send their empty fields too; leave them out of GET requests
  // so that the address pushed to the history stays short.
  document.addEventListener("htmx:configRequest", function (e) {
    var params = e.detail.parameters;
    if (e.detail.verb !== "get" || !params) { return; }
    var names = typeof params.keys === "function" ? Array.from(params.keys()) : Object.keys(params);
    names.forEach(function (name) {
      var v = typeof params.get === "function" ? params.get(name) : params[name];
      if (v === "" || v === null || v === undefined) {
        if (typeof params.delete === "function") { params.delete(name); } else { delete params[name]; }
      }
    });
  });

  // Forms and buttons that ask before doing something drastic.
  document.addEventListener("submit", function (e) {
    var form = e.target, submitter = e.submitter;
    var msg = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);

  // Show the enterprise profile fields only for enterprises; disabled fields are neither validated nor sent.
  function syncKind(select) {
    var form = select.form;
    if (!form) { return; }
    $all("[data-show-kind]", form).forEach(function (fs) {
      var on = fs.dataset.showKind === select.value;
      fs.hidden = !on;
      fs.disabled = !on;
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-kind-select]")) { syncKind(e.target); }
  });

  // Demo logins: fill the login form.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-fill-login]");
    if (!b) { return; }
    var u = $("#login-username"), p = $("#login-password");
    if (u && p) { u.value = b.dataset.fillLogin; p.value = b.dataset.fillPassword || ""; p.focus(); }
  });

  // Copy buttons.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-copy]");
    if (!b) { return; }
    var src = $(b.dataset.copy);
    if (src && navigator.clipboard) {
      navigator.clipboard.writeText(src.textContent.trim()).then(function () {
        var old = b.textContent;
        b.textContent = document.body.dataset.msgCopied || "Copied";
        setTimeout(function () { b.textContent = old; }, 2000);
      });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    $all("[data-kind-select]").forEach(syncKind);
    // Bring the first field with an error into view.
    var bad = $("[aria-invalid=true]") || $(".alert-error");
    if (bad) {
      bad.scrollIntoView({ block: "center" });
      if (bad.focus) { bad.focus({ preventScroll: true }); }
    }
  });
})();
