(function () {
  "use strict";
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var statusSelect = document.getElementById("status-filter");
  var counter = document.getElementById("visible-count");
  var search = document.getElementById("text-filter");
  var texts = findings.map(function (el) {
    var group = el.closest(".group");
    var heading = group ? group.querySelector("h2") : null;
    return ((heading ? heading.textContent : "") + " " + el.textContent).toLowerCase();
  });

  function checked(name) {
    var on = {};
    boxes.forEach(function (box) {
      if (box.getAttribute("data-filter") === name && box.checked) { on[box.value] = true; }
    });
    return on;
  }

  function statusOk(status) {
    var want = statusSelect ? statusSelect.value : "all";
    if (want === "all") { return true; }
    if (want === "open") { return status === "open"; }
    if (want === "reviewed") { return status !== "open"; }
    if (want === "active") { return status !== "dismissed"; }
    return true;
  }

  function apply() {
    var kinds = checked("kind"), severities = checked("severity"), shown = 0;
    var words = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    findings.forEach(function (el, i) {
      var visible = kinds[el.getAttribute("data-kind")] === true &&
        severities[el.getAttribute("data-severity")] === true &&
        statusOk(el.getAttribute("data-status")) &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      el.hidden = !visible;
      if (visible) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = group.querySelector(".finding:not([hidden])") === null;
    });
    if (counter) { counter.textContent = String(shown); }
    document.body.setAttribute("data-visible", String(shown));
  }

  boxes.forEach(function (box) { box.addEventListener("change", apply); });
  if (statusSelect) { statusSelect.addEventListener("change", apply); }
  if (search) { search.addEventListener("input", apply); }
  var reset = document.getElementById("reset-filters");
  if (reset) {
    reset.addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = true; });
      if (statusSelect) { statusSelect.value = "all"; }
      if (search) { search.value = ""; }
      apply();
    });
  }
  apply();
})();
