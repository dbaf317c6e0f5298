// The item picker (progressive enhancement): typing filters the catalog as you type, by
// Chinese name, code or department; choosing a name from the list opens its decision form.
// Without this file the search box submits and the server filters.
(function () {
  "use strict";
  var data = document.getElementById("items-data");
  var input = document.getElementById("item-search");
  if (!data || !input) return;
  var items = JSON.parse(data.textContent);
  var count = document.getElementById("item-count");
  var none = document.getElementById("no-item-match");
  var rows = {};
  document.querySelectorAll("#item-table tr[data-item]").forEach(function (row) {
    rows[row.dataset.item] = row;
  });

  function matches(item, terms) {
    var text = [item.name, item.code].concat(item.departments).join(" ").toLowerCase();
    return terms.every(function (term) { return text.indexOf(term) !== -1; });
  }

  function filter() {
    var terms = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var visible = matches(item, terms);
      if (rows[item.code]) rows[item.code].hidden = !visible;
      if (visible) shown += 1;
    });
    count.textContent = count.dataset.template.replace("{n}", shown);
    none.hidden = shown !== 0;
    var exact = items.filter(function (item) { return item.name === input.value.trim(); });
    return exact.length === 1 ? exact[0] : null;
  }

  input.addEventListener("input", filter);
  input.addEventListener("change", function () {
    var chosen = filter();
    if (chosen) window.location.href = chosen.url;
  });
  input.form.addEventListener("submit", function (event) {
    var chosen = filter();
    event.preventDefault();
    if (chosen) window.location.href = chosen.url;
  });
  filter();
})();
