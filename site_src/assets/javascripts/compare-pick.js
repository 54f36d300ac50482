/* Leaderboard: a box before every model's name picks it for the compare view (up to four); a bar under
 * the table, held at the foot of the window while the table scrolls by, names the models picked and links to compare/?models=a,b,c. The pick is kept in
 * the tab (sessionStorage) while the reader moves between tracks; the comparison itself lives in the
 * compare view's address. Rows loaded later ("show all") get their box as they arrive. */
(function () {
  "use strict";
  var KEY = "densing-compare";
  var MAX = 4;

  function base() {
    var config = document.getElementById("__config");
    var path = "";
    try { path = config ? JSON.parse(config.textContent).base || "" : ""; } catch (error) { path = ""; }
    return path && path !== "." ? path.replace(/\/?$/, "/") : "";
  }

  function read() {
    try {
      var picked = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
      return Array.isArray(picked) ? picked.filter(function (p) { return Array.isArray(p) && p.length === 2; }).slice(0, MAX) : [];
    } catch (error) { return []; }
  }

  function save(picked) {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(picked)); } catch (error) { /* private mode: the page keeps it */ }
  }

  function setup(table) {
    var picked = read();
    var bar = document.createElement("div");
    bar.className = "cmp-bar";
    bar.id = "cmp-bar";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", "Models picked for comparison");
    var names = document.createElement("span");
    var link = document.createElement("a");
    link.className = "cmp-go";
    var clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = "Clear";
    var note = document.createElement("span");
    note.className = "cmp-note";
    bar.appendChild(names);
    bar.appendChild(link);
    bar.appendChild(clear);
    bar.appendChild(note);
    var wrap = table.closest(".lb-wrap") || table;
    wrap.parentNode.insertBefore(bar, wrap.nextSibling);

    function ids() { return picked.map(function (p) { return p[0]; }); }

    function update(message) {
      bar.hidden = !picked.length;
      names.textContent = "Compare: " + picked.map(function (p) { return p[1]; }).join(", ");
      link.href = base() + "compare/?models=" + ids().map(encodeURIComponent).join(",");
      link.textContent = picked.length < 2 ? "open (pick one more)" : "compare " + picked.length + " models";
      note.textContent = message || "";
      Array.prototype.forEach.call(table.querySelectorAll("input.lb-pick"), function (box) {
        box.checked = ids().indexOf(box.value) >= 0;
      });
      save(picked);
    }

    function addBoxes() {
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var cell = row.cells[1];
        if (!cell || cell.querySelector("input.lb-pick")) return;
        var anchor = cell.querySelector("a");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.className = "lb-pick";
        box.value = row.dataset.id;
        box.checked = ids().indexOf(row.dataset.id) >= 0;
        box.setAttribute("aria-label", "Pick " + (anchor ? anchor.textContent : row.dataset.id) + " to compare");
        cell.insertBefore(box, cell.firstChild);
      });
    }

    table.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.classList || !box.classList.contains("lb-pick")) return;
      var row = box.closest("tr");
      var name = row.cells[1].querySelector("a").textContent;
      if (!box.checked) {
        picked = picked.filter(function (p) { return p[0] !== box.value; });
        update();
      } else if (picked.length >= MAX) {
        box.checked = false;
        update("At most " + MAX + " models: unpick one first.");
      } else {
        picked.push([box.value, name]);
        update();
      }
    });
    clear.addEventListener("click", function () { picked = []; update(); });
    new MutationObserver(addBoxes).observe(table.tBodies[0], { childList: true });
    addBoxes();
    update();
  }

  function init() {
    var table = document.getElementById("leaderboard");
    if (!table || table.dataset.pick) return;
    table.dataset.pick = "1";
    setup(table);
  }

  if (typeof window.document$ !== "undefined") window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
