  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- knowledge gaps ---------- */

  function renderGaps(clusters) {
    const body = $("#gaps-table tbody");
    body.replaceChildren();
    if (!clusters.length) {
      const row = el("tr", "empty");
      const cell = el("td", null, T.gapsNone);
      cell.colSpan = 4;
      row.appendChild(cell);
      body.appendChild(row);
      return;
    }
    const sorted = clusters.slice().sort((a, b) => (b.count || 0) - (a.count || 0));
    for (const cluster of sorted) {
      const row = el("tr");
      const label = el("th", "gap-label", cluster.label || "—");
      label.scope = "row";
      row.appendChild(label);
      row.appendChild(el("td", "num gap-count", count(cluster.count)));
      const languages = Object.entries(cluster.languages || {})
        .sort((a, b) => b[1] - a[1])
        .map(([lang, n]) => `${lang}: ${count(n)}`)
        .join(" · ");
      row.appendChild(el("td", "gap-languages", languages || "—"));
      const examplesCell = el("td", "gap-examples");
      const examples = (cluster.examples || []).slice(0, 3);
      if (examples.length) {
        const list = el("ul");
        for (const example of examples) list.appendChild(el("li", null, `“${example}”`));
        examplesCell.appendChild(list);
      } else {
        examplesCell.textContent = "—";
      }
      row.appendChild(examplesCell);
      body.appendChild(row);
    }
  }
