/* Sortable key-studies tables (scripts/livingreview/evidence/tables.py): each column heading becomes a
   button; rows sort by the cells' data-sort (numbers) or their text. Without script the table reads in
   year order, as built. */
(() => {
  for (const table of document.querySelectorAll("table.key-studies__table")) {
    const headings = [...table.tHead.rows[0].cells];
    const body = table.tBodies[0];
    headings.forEach((heading, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "key-studies__sort";
      button.textContent = heading.textContent;
      heading.replaceChildren(button);
      button.addEventListener("click", () => {
        const ascending = heading.getAttribute("aria-sort") !== "ascending";
        headings.forEach((other) => other.removeAttribute("aria-sort"));
        heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const value = (row) => {
          const cell = row.cells[column];
          const sort = cell.dataset.sort ?? cell.textContent.trim();
          const number = Number(sort);
          return sort !== "" && !Number.isNaN(number) ? number : sort.toLowerCase();
        };
        const rows = [...body.rows].sort((a, b) => {
          const [x, y] = [value(a), value(b)];
          const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        body.append(...rows);
      });
    });
  }
})();
