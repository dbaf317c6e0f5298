// The upload form: a file over the import's size limit is refused here, before it is sent
// (the server refuses it too, with the same message).
(function () {
  var input = document.querySelector("input[type=file][data-max-bytes]");
  if (!input) {
    return;
  }
  var limit = Number(input.getAttribute("data-max-bytes"));
  var note = document.createElement("p");
  note.className = "errornote";
  note.hidden = true;
  note.setAttribute("role", "alert");
  note.textContent = input.getAttribute("data-too-large");
  input.parentNode.insertBefore(note, input.nextSibling);
  function tooLarge() {
    var file = input.files && input.files[0];
    return Boolean(file && limit && file.size > limit);
  }
  input.addEventListener("change", function () {
    note.hidden = !tooLarge();
  });
  input.form.addEventListener("submit", function (event) {
    if (tooLarge()) {
      note.hidden = false;
      event.preventDefault();
    }
  });
})();

// The progress of an import of licences in force (admin): the page reads its state from
// the database when it is drawn, so a reload shows where the import stands; this script
// asks the status endpoint every few seconds and moves the bar meanwhile. When the check
// is done it opens the page to confirm; when the import ends it reloads to show the result.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var started = box.getAttribute("data-state");
  var running = started === "checking" || started === "importing";
  if (!url || !running) {
    return;
  }
  var bar = document.getElementById("import-bar");
  var delay = 1500;

  function show(status) {
    var fields = box.querySelectorAll("[data-progress]");
    for (var i = 0; i < fields.length; i++) {
      var key = fields[i].getAttribute("data-progress");
      if (key && Object.prototype.hasOwnProperty.call(status, key)) {
        fields[i].textContent = status[key];
      }
    }
    if (bar) {
      if (status.total > 0) {
        bar.max = status.total;
        bar.value = status.processed;
        bar.textContent = status.percent + "%";
      } else {
        bar.removeAttribute("value");
      }
    }
    var resume = box.querySelector("[data-progress-stalled]");
    if (resume) {
      resume.hidden = !status.stalled;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        show(status);
        if (status.state !== started) {
          // Checked: the page to confirm; done, failed or discarded: this page, redrawn.
          window.location.assign(status.url);
          return;
        }
        delay = 1500;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // Signed out, or the server restarting: try again, less often.
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
