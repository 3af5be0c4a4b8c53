// Click a column heading of a table to sort by it (again to reverse). The page reads the
// same without this script; it only reorders rows already there.
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], col = th.cellIndex;
    var asc = th.getAttribute("data-dir") !== "asc";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].textContent, y = b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "ja");
      return asc ? c : -c;
    });
    th.setAttribute("data-dir", asc ? "asc" : "desc");
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
document.documentElement.setAttribute("data-sortable", "ready");
