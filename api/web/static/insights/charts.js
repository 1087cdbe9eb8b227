  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- charts ---------- */

  function groupName(groupBy) {
    return String(T[GROUP_LABELS[groupBy]] || groupBy).toLocaleLowerCase(LANG);
  }

  function keyLabel(key) {
    return key == null || key === "" ? T.unknownKey : String(key);
  }

  function layout(extra) {
    return Object.assign(
      {
        height: 320,
        margin: { l: 56, r: 16, t: 12, b: 48 },
        font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif', size: 13, color: COLORS.ink },
        paper_bgcolor: "#ffffff",
        plot_bgcolor: "#ffffff",
        separators: separators(),
        // Above the plot, under the mode bar (which sits in the top margin's upper half).
        legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" },
        hoverlabel: { namelength: -1 },
      },
      extra
    );
  }

  function emptyLayout(base) {
    return Object.assign(base, {
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [
        { text: T.noData, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { size: 15 } },
      ],
    });
  }

  function xAxis(groupBy) {
    if (groupBy === "day") {
      return { type: "date", tickformat: LANG === "en" ? "%m/%d" : "%d/%m", gridcolor: COLORS.grid, automargin: true };
    }
    return { type: "category", automargin: true };
  }

  // An axis of counts: whole-number ticks (Plotly would put 0.5 steps on a 0..3 range).
  function countAxis(values, extra) {
    const max = Math.max(0, ...values.filter(isNumber));
    return Object.assign(
      { rangemode: "tozero", gridcolor: COLORS.grid, tickformat: ",d" },
      max <= 10 ? { dtick: 1 } : {},
      extra
    );
  }

  function summarise(section, text) {
    $(".chart-summary", section).textContent = text;
  }

  function plot(sectionId, traces, plotLayout, summary) {
    const section = document.getElementById(sectionId);
    summarise(section, summary);
    if (!window.Plotly) return Promise.resolve();
    return window.Plotly.newPlot($(".plot", section), traces, plotLayout, PLOT_CONFIG);
  }

  function chartHeadings(groupBy) {
    const group = groupName(groupBy);
    $("#chart-deflection-heading").textContent = fmt(T.chartDeflection, { group });
    $("#chart-volume-heading").textContent = fmt(T.chartVolume, { group });
    $("#chart-csat-heading").textContent = fmt(T.chartCsat, { group });
  }

  function renderSummary(summary, groupBy) {
    renderTiles(summary.overall);
    const groups = Array.isArray(summary.groups) ? summary.groups : [];
    const x = groups.map((g) => (groupBy === "day" ? g.key : keyLabel(g.key)));
    const list = (values, show) => x.map((name, i) => `${name}: ${show(values[i])}`).join("; ") || T.noData;

    chartHeadings(groupBy);

    // (a) deflection rate: a line over days, bars for categories.
    const rates = groups.map((g) => (isNumber(g.deflection_rate) ? Math.round(g.deflection_rate * 1000) / 10 : null));
    const deflection = {
      x,
      y: rates,
      name: T.seriesDeflection,
      marker: { color: COLORS.primary },
      hovertemplate: "%{x}: %{y:.1f}%<extra></extra>",
    };
    if (groupBy === "day") Object.assign(deflection, { type: "scatter", mode: "lines+markers", connectgaps: false });
    else deflection.type = "bar";
    let deflectionLayout = layout({
      xaxis: xAxis(groupBy),
      yaxis: { range: [0, 100], ticksuffix: "%", gridcolor: COLORS.grid },
      showlegend: false,
    });
    if (!groups.length) deflectionLayout = emptyLayout(deflectionLayout);

    // (b) conversations against tickets opened, side by side.
    const volume = [
      { type: "bar", x, y: groups.map((g) => g.conversations || 0), name: T.seriesConversations, marker: { color: COLORS.primary } },
      { type: "bar", x, y: groups.map((g) => g.tickets || 0), name: T.seriesTickets, marker: { color: COLORS.secondary } },
    ];
    let volumeLayout = layout({
      barmode: "group",
      margin: { l: 56, r: 16, t: 64, b: 48 },
      xaxis: xAxis(groupBy),
      yaxis: countAxis(volume.flatMap((trace) => trace.y)),
    });
    if (!groups.length) volumeLayout = emptyLayout(volumeLayout);

    // (d) CSAT average: only the groups that have answers.
    const rated = groups.filter((g) => isNumber(g.csat_average));
    const csatX = rated.map((g) => (groupBy === "day" ? g.key : keyLabel(g.key)));
    const csat = [
      {
        type: "bar",
        x: csatX,
        y: rated.map((g) => g.csat_average),
        customdata: rated.map((g) => fmt(T.responses, { count: count(g.csat_responses) })),
        name: T.seriesCsat,
        marker: { color: COLORS.csat },
        hovertemplate: "%{x}: %{y:.2f} (%{customdata})<extra></extra>",
      },
    ];
    let csatLayout = layout({
      xaxis: xAxis(groupBy),
      yaxis: { rangemode: "tozero", gridcolor: COLORS.grid },
      showlegend: false,
    });
    if (!rated.length) csatLayout = emptyLayout(csatLayout);

    return [
      plot("chart-deflection", [deflection], deflectionLayout, list(groups.map((g) => g.deflection_rate), percent)),
      plot(
        "chart-volume",
        volume,
        volumeLayout,
        x.map((name, i) => `${name}: ${count(groups[i].conversations)} / ${count(groups[i].tickets)}`).join("; ") ||
          T.noData
      ),
      plot(
        "chart-csat",
        csat,
        csatLayout,
        csatX.map((name, i) => `${name}: ${score(rated[i].csat_average)}`).join("; ") || T.noData
      ),
    ];
  }

  function shortTitle(title, max) {
    const text = String(title || "");
    return text.length > max ? text.slice(0, max - 1).trimEnd() + "…" : text;
  }

  // (c) solved / not solved for the most shown articles, most shown at the top.
  function renderArticles(articles) {
    const top = articles
      .slice()
      .sort((a, b) => (b.shown || 0) - (a.shown || 0))
      .slice(0, TOP_ARTICLES);
    const seen = new Map();
    const labels = top.map((a) => {
      let label = shortTitle(a.title || a.article_id, 48);
      // Two articles with one title would share a bar: tell them apart by id.
      if (seen.has(label)) label = `${label} (${a.article_id})`;
      seen.set(label, true);
      return label;
    });
    const hover = top.map((a) => `${a.title || a.article_id}<br>${fmt(T.shown, { count: count(a.shown) })}`);
    const trace = (name, values, color) => ({
      type: "bar",
      orientation: "h",
      name,
      y: labels,
      x: values,
      customdata: hover,
      marker: { color },
      hovertemplate: `%{customdata}<br>${name}: %{x}<extra></extra>`,
    });
    const traces = [
      trace(T.seriesSolved, top.map((a) => a.solved || 0), COLORS.solved),
      trace(T.seriesNotSolved, top.map((a) => a.not_solved || 0), COLORS.notSolved),
    ];
    let articlesLayout = layout({
      barmode: "stack",
      height: Math.max(260, 90 + 30 * top.length),
      margin: { l: 16, r: 16, t: 64, b: 40 },
      yaxis: { autorange: "reversed", automargin: true, type: "category" },
      xaxis: countAxis(top.map((a) => (a.solved || 0) + (a.not_solved || 0))),
    });
    if (!top.length) articlesLayout = emptyLayout(articlesLayout);
    const summary =
      top
        .map((a) => `${a.title || a.article_id}: ${count(a.solved)} / ${count(a.not_solved)} (${percent(a.helpfulness)})`)
        .join("; ") || T.noData;
    return plot("chart-articles", traces, articlesLayout, summary);
  }
