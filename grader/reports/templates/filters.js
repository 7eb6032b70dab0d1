(function () {
  "use strict";
  // a log shows its end first: that is where a failure is
  Array.prototype.slice.call(document.querySelectorAll("details.log")).forEach(function (log) {
    var pre = log.querySelector("pre");
    function toEnd() { if (log.open) { pre.scrollTop = pre.scrollHeight; } }
    log.addEventListener("toggle", toEnd);
    toEnd();
  });
  var table = document.getElementById("test-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("tests-shown");
  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var keep = selects.every(function (select) {
        return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
      });
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    shown.textContent = String(count);
  }
  selects.forEach(function (select) { select.addEventListener("change", apply); });
  apply();
  table.setAttribute("data-filters", "ready");
}());
