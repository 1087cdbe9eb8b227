  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- KPI tiles ---------- */

  function setTile(name, value, shown, note) {
    const tile = $(`.kpi[data-kpi="${name}"]`);
    if (!tile) return;
    tile.dataset.value = isNumber(value) ? String(value) : "";
    $(".kpi-value", tile).textContent = shown;
    $(".kpi-note", tile).textContent = note || "";
  }

  function renderTiles(m) {
    m = m || {};
    setTile("deflection_rate", m.deflection_rate, percent(m.deflection_rate),
      fmt(T.kpiDeflectionNote, { deflected: count(m.deflected), pending: count(m.pending) }));
    setTile("conversations", m.conversations, count(m.conversations),
      fmt(T.kpiConversationsNote, { answered: count(m.answered) }));
    setTile("tickets", m.tickets, count(m.tickets),
      fmt(T.kpiTicketsNote, { after: count(m.tickets_after_answer) }));
    setTile("ticket_completeness", m.ticket_completeness, percent(m.ticket_completeness), T.kpiCompletenessNote);
    setTile("handoffs", m.handoffs, count(m.handoffs),
      fmt(T.kpiHandoffsNote, { unanswered: count(m.unanswered_questions) }));
    setTile("csat_average", m.csat_average, score(m.csat_average),
      fmt(T.kpiCsatNote, { responses: count(m.csat_responses) }));
  }
