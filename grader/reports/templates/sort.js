(function () {
  "use strict";
  var table = document.getElementById("board");
  if (!table) { return; }
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function value(row, index, type) {
    var text = row.cells[index].getAttribute("data-value");
    if (text === null || text === "") { return null; }
    return type === "number" ? parseFloat(text) : text.toLowerCase();
  }
  function sortBy(index, descending) {
    var type = headers[index].getAttribute("data-type");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.cells.length > index; });
    rows.sort(function (a, b) {
      var x = value(a, index, type), y = value(b, index, type);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      var order = x < y ? -1 : (x > y ? 1 : 0);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (header, i) {
      if (i === index) {
        header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      } else {
        header.removeAttribute("aria-sort");
      }
    });
  }
  headers.forEach(function (header, index) {
    header.addEventListener("click", function () {
      var first = header.getAttribute("data-type") === "number" && index !== 0;
      var descending = header.getAttribute("aria-sort") === "ascending" ||
        (header.getAttribute("aria-sort") === null && first);
      sortBy(index, descending);
    });
  });
  table.setAttribute("data-sortable", "ready");
}());
