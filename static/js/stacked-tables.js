// Tables that stack on a narrow screen (docs/responsive.md). For every table with a header
// row, each cell is given its column's heading as data-label; static/css/mutuality.css then
// shows, below 641 px wide, each row as a block of "heading: value" lines instead of columns
// that would push the page wider than a phone. Nothing is needed in a template: a new page's
// tables stack too. A table marked data-stack="never" keeps its columns.
//
// A table shown as blocks loses its table semantics in some browsers, so the rows and cells
// are given their roles explicitly, and a screen reader still hears each cell's heading.

const ROLES = [
  ["thead, tbody, tfoot", "rowgroup"],
  ["tr", "row"],
  ["thead th", "columnheader"],
  ["tbody th, tfoot th", "rowheader"],
  ["td", "cell"],
];

function headings(table) {
  // The last header row names the columns; a heading spanning columns names each of them.
  const head = table.tHead;
  const row = head && head.rows[head.rows.length - 1];
  if (!row) return null;
  const names = [];
  for (const cell of row.cells) {
    const name = cell.textContent.replace(/\s+/g, " ").trim();
    for (let n = 0; n < cell.colSpan; n += 1) names.push(name);
  }
  return names;
}

function stack(table) {
  const names = headings(table);
  if (!names || table.dataset.stack === "never" || table.classList.contains("mutuality-stack")) {
    return;
  }
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        const name = names[column];
        if (name && !cell.hasAttribute("data-label")) cell.dataset.label = name;
        column += cell.colSpan;
      }
    }
  }
  table.setAttribute("role", "table");
  for (const [selector, role] of ROLES) {
    for (const element of table.querySelectorAll(selector)) {
      if (element.closest("table") === table) element.setAttribute("role", role);
    }
  }
  table.classList.add("mutuality-stack");
}

export function stackTables(root) {
  const tables = root.matches && root.matches("table") ? [root] : root.querySelectorAll("table");
  tables.forEach(stack);
}
