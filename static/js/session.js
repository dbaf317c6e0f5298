/* A login that runs out loses nothing (loaded by base.html for signed-in people only).
 *
 * 1. A few minutes before the session ends (idle time-out), a banner asks to save or keep
 *    working; "keep working" GETs the keep-alive, which extends the session (its answer says
 *    by how much). Near the absolute limit of a login nothing extends it: the banner asks to
 *    save and log in again. Once it has ended the banner says so and links to the login
 *    page, which leads back here.
 * 2. What is typed into the POST forms of the page is kept in sessionStorage (this browser
 *    window only), per person and page, as the person types: never passwords, files, hidden
 *    fields or the CSRF token. The draft is dropped once the server took the form (the
 *    next page came through a redirect in the same login), and filled in again, with a
 *    notice, when the person comes back to the form (after logging in again, say).
 *
 * The body carries data-session-expires-in (seconds left when the page was made),
 * data-session-limit-in (seconds left before the login's absolute limit),
 * data-session-warning (how many seconds before the end to warn),
 * data-session-age (what a keep-alive gives at most), data-session-user, data-session-login (the
 * login's time: a new login means a submit before it was lost) and data-session-keepalive.
 */
(function () {
  "use strict";

  var body = document.body;
  var data = body.dataset;
  if (!data.sessionExpiresIn) return;

  var WARN_MS = (Number(data.sessionWarning) || 300) * 1000;
  var CHECK_MS = 15 * 1000;
  var DRAFT_TTL_MS = 24 * 3600 * 1000;
  var SHARED_END = "linzi.session.end";
  var PENDING = "linzi.draft.pending";
  var SKIPPED_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image"];

  function storage(kind) {
    try {
      var s = window[kind];
      s.setItem("linzi.probe", "1");
      s.removeItem("linzi.probe");
      return s;
    } catch (e) {
      return null; // storage disabled (private mode, policy): the page still works
    }
  }
  var drafts = storage("sessionStorage");
  var shared = storage("localStorage");

  /* ---- 1. the warning before the session ends ---- */

  var end = Date.now() + Number(data.sessionExpiresIn) * 1000;
  var limitEnd = data.sessionLimitIn ? Date.now() + Number(data.sessionLimitIn) * 1000 : Infinity;
  var warning = document.getElementById("session-warning");

  function sessionEnd() {
    // Another window of the same browser may have kept the session alive meanwhile.
    var other = shared ? Number(shared.getItem(SHARED_END)) || 0 : 0;
    return Math.max(end, other);
  }

  function showState(state) {
    if (!warning) return;
    warning.hidden = state === "ok";
    warning.querySelectorAll("[data-session-state]").forEach(function (part) {
      part.hidden = part.dataset.sessionState !== state;
    });
  }

  function check() {
    var left = sessionEnd() - Date.now();
    // Within a second of the absolute limit: keeping working cannot move the end.
    var final = sessionEnd() >= limitEnd - 1000;
    showState(left <= 0 ? "expired" : left <= WARN_MS ? (final ? "limit" : "soon") : "ok");
  }

  function keepAlive(button) {
    button.disabled = true;
    fetch(data.sessionKeepalive, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status !== 204) {
          end = Date.now(); // the session is gone already: say so
        } else {
          var given = response.headers.get("X-Session-Expires-In");
          end = Date.now() + Number(given !== null ? given : data.sessionAge) * 1000;
          if (shared) shared.setItem(SHARED_END, String(end));
        }
      })
      .catch(function () {
        /* offline: keep the banner, the person can try again */
      })
      .then(function () {
        button.disabled = false;
        check();
      });
  }

  if (warning) {
    var button = warning.querySelector("[data-session-keepalive]");
    if (button) button.addEventListener("click", function () { keepAlive(button); });
  }
  check();
  window.setInterval(check, CHECK_MS);
  document.addEventListener("visibilitychange", check);

  /* ---- 2. drafts of the forms being filled in ---- */

  if (!drafts) return;

  var draftKey = "linzi.draft:" + data.sessionUser + ":" + location.pathname;
  var forms = Array.prototype.filter.call(
    document.querySelectorAll("main form"),
    function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post" &&
        !form.hasAttribute("data-no-draft");
    }
  );

  function formId(form) {
    return forms.indexOf(form) + ":" + (form.getAttribute("action") || "");
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.tagName !== "BUTTON" &&
        el.tagName !== "FIELDSET" && SKIPPED_TYPES.indexOf(el.type) === -1;
    });
  }

  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (el) {
      var list = values[el.name] || (values[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) list.push(el.value);
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { if (o.selected) list.push(o.value); });
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function readDraft() {
    try {
      var draft = JSON.parse(drafts.getItem(draftKey) || "null");
      if (draft && Date.now() - draft.saved < DRAFT_TTL_MS) return draft;
    } catch (e) { /* a damaged draft is dropped */ }
    drafts.removeItem(draftKey);
    return { saved: Date.now(), forms: {} };
  }

  function writeDraft(draft) {
    draft.saved = Date.now();
    try {
      if (Object.keys(draft.forms).length) drafts.setItem(draftKey, JSON.stringify(draft));
      else drafts.removeItem(draftKey);
    } catch (e) { /* storage full: nothing more to do */ }
  }

  function save(form) {
    var draft = readDraft();
    draft.forms[formId(form)] = snapshot(form);
    writeDraft(draft);
  }

  function forget(key, id) {
    var draft;
    try { draft = JSON.parse(drafts.getItem(key) || "null"); } catch (e) { draft = null; }
    if (!draft) return;
    delete draft.forms[id];
    if (Object.keys(draft.forms).length) drafts.setItem(key, JSON.stringify(draft));
    else drafts.removeItem(key);
  }

  function restore(form, values) {
    var changed = false;
    var seen = {};
    fields(form).forEach(function (el) {
      var list = values[el.name];
      if (!list) return;
      var before;
      if (el.type === "checkbox" || el.type === "radio") {
        before = el.checked;
        el.checked = list.indexOf(el.value) !== -1;
        if (before !== el.checked) changed = true;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) {
          before = o.selected;
          o.selected = list.indexOf(o.value) !== -1;
          if (before !== o.selected) changed = true;
        });
      } else {
        var n = seen[el.name] || 0;
        seen[el.name] = n + 1;
        if (n >= list.length || el.value === list[n]) return;
        el.value = list[n];
        changed = true;
      }
      // Other scripts (fields shown by the chosen kind) follow the restored value.
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return changed;
  }

  // What became of the form submitted from the previous page of this window?
  var pending = null;
  try { pending = JSON.parse(drafts.getItem(PENDING) || "null"); } catch (e) { pending = null; }
  drafts.removeItem(PENDING);
  if (pending) {
    var navigation = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
    var lost =
      document.querySelector("[data-keep-draft]") !== null || // an error page answered
      pending.login !== data.sessionLogin || // the login ran out before the submit
      (!navigation.redirectCount && pending.path === location.pathname); // errors on the form
    if (!lost && pending.user === data.sessionUser) {
      forget("linzi.draft:" + pending.user + ":" + pending.path, pending.form);
    }
  }

  var notice = document.getElementById("draft-restored");
  var restored = [];
  var draft = readDraft();
  forms.forEach(function (form) {
    var values = draft.forms[formId(form)];
    if (values && restore(form, values)) restored.push(form);
  });
  if (restored.length && notice) {
    restored[0].parentNode.insertBefore(notice, restored[0]);
    notice.hidden = false;
    var discard = notice.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        restored.forEach(function (form) { form.reset(); forget(draftKey, formId(form)); });
        notice.hidden = true;
      });
    }
  }

  forms.forEach(function (form) {
    form.addEventListener("input", function () { save(form); });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      drafts.setItem(PENDING, JSON.stringify({
        user: data.sessionUser, login: data.sessionLogin,
        path: location.pathname, form: formId(form)
      }));
    });
  });
})();
