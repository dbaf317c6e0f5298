// The licence decision form (progressive enhancement): the page works without this file.
// - asks before a decision is recorded (it cannot be withdrawn);
// - when a well-formed credit code or ID number is typed, asks the server what the platform
//   knows: fills the name and contact into fields still empty (never over what was typed)
//   and shows the access level (R7) with its reasons.
(function () {
  "use strict";
  var form = document.getElementById("decision-form");
  if (!form) return;
  var code = form.querySelector("[name=code]");
  var status = document.getElementById("lookup-status");
  var result = document.getElementById("access-result");
  var acknowledgement = document.getElementById("access-acknowledgement");
  var timer = null;
  var lastCode = "";

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (submitter && submitter.name === "check_access") return;
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function fill(name, value) {
    var input = form.querySelector("[name=" + name + "]");
    if (input && !input.value.trim() && value) {
      input.value = value;
      input.classList.add("filled-in");
      return true;
    }
    return false;
  }

  function showAccess(answer) {
    var access = answer.access;
    result.textContent = "";
    var box = element("section", "message access-check " + (access.is_limited ? "warning" : "success"));
    box.appendChild(element("strong", "", (access.is_limited ? "⚠ " : "✓ ") + form.dataset.accessLabel + "：" + access.label));
    if (access.reasons.length) {
      var list = element("ul");
      access.reasons.forEach(function (r) {
        var parts = [r.listing_label, r.department, r.source_document, r.listed_on].filter(Boolean);
        var text = parts.join(" · ") + (r.until ? " — " + r.until : "") + (r.reason ? " · " + r.reason : "");
        list.appendChild(element("li", "", text));
      });
      box.appendChild(list);
    }
    result.appendChild(box);
    result.appendChild(element("p", "muted small lookup-note",
      answer.counterparty ? form.dataset.filledNote : form.dataset.unknownNote));
    if (acknowledgement) acknowledgement.hidden = !access.is_limited;
  }

  function lookUp(value) {
    status.textContent = form.dataset.checking;
    fetch(form.dataset.lookupUrl + "?code=" + encodeURIComponent(value), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (code.value.trim().toUpperCase() !== value) return; // typed on meanwhile
        if (!answer.ok) {
          status.textContent = answer.body.error || form.dataset.failed;
          return;
        }
        status.textContent = "";
        var kind = form.querySelector("[name=code_type][value=" + answer.body.code_type + "]");
        if (kind) kind.checked = true;
        var party = answer.body.counterparty;
        if (party) {
          fill("counterparty_name", party.name);
          fill("contact_name", party.contact_name);
          fill("contact_phone", party.contact_phone);
        }
        showAccess(answer.body);
      })
      .catch(function () {
        status.textContent = form.dataset.failed;
      });
  }

  function changed() {
    var value = code.value.trim().toUpperCase();
    window.clearTimeout(timer);
    if (value.length !== 18) {
      status.textContent = "";
      lastCode = "";
      return;
    }
    if (value === lastCode) return;
    lastCode = value;
    timer = window.setTimeout(function () { lookUp(value); }, 250);
  }

  if (code) {
    code.addEventListener("input", changed);
    code.addEventListener("change", changed);
  }
})();
