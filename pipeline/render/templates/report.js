(function () {
  "use strict";
  // One script for every page of the report. Filters (kind, severity, review status, words)
  // hide findings (a page of the folder report/) or groups (the index, whose rows carry the
  // counts of their findings per kind, severity and status in data-c); their state is kept
  // in the URL's hash (#kind=a+b&severity=high&status=open&q=words), so a filtered view can
  // be shared, and carried by the links between pages (a[data-keep]). A hash without "="
  // is an anchor (a finding's id) and is left alone.
  var toArray = function (list) { return Array.prototype.slice.call(list); };
  var findings = toArray(document.querySelectorAll(".finding"));
  var groups = toArray(document.querySelectorAll(".group"));
  var rows = toArray(document.querySelectorAll("tr.grp"));
  var boxes = toArray(document.querySelectorAll("input[data-filter]"));
  var keep = toArray(document.querySelectorAll("a[data-keep]"));
  var statusSelect = document.getElementById("status-filter");
  var counter = document.getElementById("visible-count");
  var search = document.getElementById("text-filter");
  var none = document.getElementById("no-groups");
  var texts = null;  // the findings' words, read on the first search
  var STATUSES = ["all", "open", "reviewed", "active"];

  function findingTexts() {
    if (texts === null) {
      texts = findings.map(function (el) {
        var group = el.closest(".group");
        var heading = group ? group.querySelector("h2") : null;
        return ((heading ? heading.textContent : "") + " " + el.textContent).toLowerCase();
      });
    }
    return texts;
  }

  function checked(name) {
    var on = {};
    boxes.forEach(function (box) {
      if (box.getAttribute("data-filter") === name && box.checked) { on[box.value] = true; }
    });
    return on;
  }

  function statusOk(want, status) {
    if (want === "open") { return status === "open"; }
    if (want === "reviewed") { return status !== "open"; }
    if (want === "active") { return status !== "dismissed"; }
    return true;
  }

  // --- the filters' state <-> the URL's hash
  function state() {
    var parts = [];
    ["kind", "severity"].forEach(function (name) {
      var all = true, on = [];
      boxes.forEach(function (box) {
        if (box.getAttribute("data-filter") !== name) { return; }
        if (box.checked) { on.push(box.value); } else { all = false; }
      });
      if (!all) { parts.push(name + "=" + on.map(encodeURIComponent).join("+")); }
    });
    if (statusSelect && statusSelect.value !== "all") { parts.push("status=" + statusSelect.value); }
    var words = search ? search.value.trim() : "";
    if (words) { parts.push("q=" + encodeURIComponent(words)); }
    return parts.join("&");
  }

  function parsed(hash) {
    var out = {};
    hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) {
        try { out[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1).replace(/\+/g, " ")); }
        catch (e) { out[part.slice(0, at)] = ""; }
      }
    });
    return out;
  }

  function restore() {
    var hash = window.location.hash;
    if (hash.indexOf("=") < 0) { return; }  // no filters: an anchor, or nothing
    var given = parsed(hash);
    ["kind", "severity"].forEach(function (name) {
      if (!(name in given)) {
        boxes.forEach(function (box) { if (box.getAttribute("data-filter") === name) { box.checked = true; } });
        return;
      }
      var on = {};
      given[name].split(" ").forEach(function (v) { if (v) { on[v] = true; } });
      boxes.forEach(function (box) {
        if (box.getAttribute("data-filter") === name) { box.checked = on[box.value] === true; }
      });
    });
    if (statusSelect) {
      statusSelect.value = STATUSES.indexOf(given.status) >= 0 ? given.status : "all";
    }
    if (search) { search.value = given.q || ""; }
  }

  function remember(current) {
    var hash = current ? "#" + current : "";
    if (window.location.hash.indexOf("=") >= 0 || hash) {
      if (hash !== window.location.hash) {
        var url = window.location.href.split("#")[0] + hash;
        try { window.history.replaceState(null, "", url); } catch (e) { /* file:// refused */ }
      }
    }
    keep.forEach(function (a) {
      var base = a.getAttribute("href").split("#")[0];
      a.setAttribute("href", base + hash);
    });
  }

  // --- applying the filters
  function applyFindings(kinds, severities, want, words) {
    var shown = 0, all = words.length ? findingTexts() : null;
    findings.forEach(function (el, i) {
      var visible = kinds[el.getAttribute("data-kind")] === true &&
        severities[el.getAttribute("data-severity")] === true &&
        statusOk(want, el.getAttribute("data-status")) &&
        words.every(function (w) { return all[i].indexOf(w) >= 0; });
      el.hidden = !visible;
      if (visible) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = group.querySelector(".finding:not([hidden])") === null;
    });
    return shown;
  }

  function applyRows(kinds, severities, want, words) {
    var shown = 0, visibleRows = 0;
    rows.forEach(function (row) {
      var n = 0;
      var q = row.getAttribute("data-q") || "";
      if (words.every(function (w) { return q.indexOf(w) >= 0; })) {
        (row.getAttribute("data-c") || "").split(" ").forEach(function (cell) {
          var bits = cell.split(":");  // kind:severity:status:count
          if (bits.length === 4 && kinds[bits[0]] === true && severities[bits[1]] === true &&
              statusOk(want, bits[2])) { n += Number(bits[3]); }
        });
      }
      row.hidden = n === 0;
      var count = row.querySelector("td.n");
      if (count) { count.textContent = String(n); }
      shown += n;
      if (n) { visibleRows += 1; }
    });
    if (none) { none.hidden = visibleRows > 0; }
    return shown;
  }

  function apply() {
    var kinds = checked("kind"), severities = checked("severity");
    var want = statusSelect ? statusSelect.value : "all";
    var words = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var shown = rows.length ? applyRows(kinds, severities, want, words)
      : applyFindings(kinds, severities, want, words);
    if (counter) { counter.textContent = String(shown); }
    document.body.setAttribute("data-visible", String(shown));
    remember(state());
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
  window.addEventListener("hashchange", function () { restore(); apply(); });
  restore();
  apply();
})();
