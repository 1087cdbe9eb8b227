/*
 * ERP support assistant: insights dashboard for the support organisation (served at /insights).
 *
 * Reads the insights JSON API with an admin key that the user types in and that is kept in
 * sessionStorage (this tab only): GET /api/v1/insights/{summary,articles,gaps,export.csv}.
 * Charts are drawn with Plotly, served by the API from the installed plotly package.
 *
 * Plain ES2020, no build step. UI strings live in insights.i18n.json (pt-BR, es, en), chosen from
 * navigator.language. Every node is built with textContent (never innerHTML): cluster labels and
 * example questions are what customers typed.
 *
 * <body data-state> tells where the page is: starting, key (asking for a key), loading, ready,
 * error (something failed; the message is in #error).
 */
(function () {
  "use strict";

  const FALLBACK_LANGUAGE = "pt-BR";
  const KEY_STORAGE = "erp-insights:admin-key";
  const API = "/api/v1/insights";
  const TOP_ARTICLES = 15;
  const DEFAULT_DAYS = 30;
  const GROUP_LABELS = { day: "groupDay", lang: "groupLang", channel: "groupChannel", product: "groupProduct" };
  const COLORS = {
    primary: "#1f4e79",
    secondary: "#d97706",
    solved: "#15803d",
    notSolved: "#b91c1c",
    csat: "#6d28d9",
    grid: "#e2e8f0",
    ink: "#1f2937",
  };
  const PLOT_CONFIG = { responsive: true, displaylogo: false };

  let T = {};
  let LANG = FALLBACK_LANGUAGE;
  let loadCount = 0;
  let inFlight = null;
  let plotlyWarned = false;

  /* ---------- small helpers ---------- */

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // "{name}" placeholders in a UI string, filled from vars.
  function fmt(template, vars) {
    return String(template || "").replace(/\{(\w+)\}/g, (whole, name) =>
      vars && vars[name] != null ? String(vars[name]) : whole
    );
  }

  // Exact tag, then its primary language, then pt-BR (as in widget.js).
  function pickLanguage(tag, available) {
    const wanted = String(tag || "").toLowerCase();
    const names = Object.keys(available);
    const exact = names.find((name) => name.toLowerCase() === wanted);
    if (exact) return exact;
    const primary = wanted.split("-")[0];
    return names.find((name) => name.toLowerCase().split("-")[0] === primary) || FALLBACK_LANGUAGE;
  }

  const numberFormat = () => new Intl.NumberFormat(LANG);
  const percentFormat = () => new Intl.NumberFormat(LANG, { style: "percent", maximumFractionDigits: 1 });
  const scoreFormat = () => new Intl.NumberFormat(LANG, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

  function count(value) {
    return isNumber(value) ? numberFormat().format(value) : "—";
  }

  function percent(value) {
    return isNumber(value) ? percentFormat().format(value) : "—";
  }

  function score(value) {
    return isNumber(value) ? scoreFormat().format(value) : "—";
  }

  // Plotly's "separators": decimal mark then thousands mark, as the UI language writes them.
  function separators() {
    const parts = new Intl.NumberFormat(LANG).formatToParts(12345.6);
    const decimal = (parts.find((p) => p.type === "decimal") || { value: "." }).value;
    const group = (parts.find((p) => p.type === "group") || { value: "," }).value;
    return decimal + group;
  }

  // Dates are YYYY-MM-DD in UTC, like the API's. UTC "today" is never behind the local date in
  // the Americas, so the default range always includes today's conversations.
  function isoDate(date) {
    return date.toISOString().slice(0, 10);
  }

  function defaultRange() {
    const end = new Date();
    const start = new Date(end.getTime() - (DEFAULT_DAYS - 1) * 86400000);
    return { start: isoDate(start), end: isoDate(end) };
  }

  function showDate(iso) {
    const date = new Date(iso + "T00:00:00Z");
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(LANG, { dateStyle: "short", timeZone: "UTC" }).format(date);
  }

  function clockTime() {
    const now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  /* ---------- the API ---------- */

  class ApiError extends Error {
    constructor(status, detail, what) {
      super(`HTTP ${status}`);
      this.status = status;
      this.detail = detail;
      this.what = what;
    }

    get isAuth() {
      return this.status === 401 || this.status === 403;
    }
  }

  class Unreachable extends Error {}

  async function apiFetch(path, params, key, what, signal) {
    const url = new URL(API + path, window.location.origin);
    for (const [name, value] of Object.entries(params || {})) {
      if (value) url.searchParams.set(name, value);
    }
    let response;
    try {
      response = await fetch(url, { headers: { "X-API-Key": key }, signal, cache: "no-store" });
    } catch (error) {
      if (error && error.name === "AbortError") throw error;
      throw new Unreachable(String(error));
    }
    if (!response.ok) {
      let detail = response.statusText || "";
      try {
        const body = await response.json();
        if (body && body.detail != null) {
          detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
        }
      } catch (ignored) {
        // Not JSON: the status text says enough.
      }
      throw new ApiError(response.status, detail, what);
    }
    return response;
  }

  async function apiJson(path, params, key, what, signal) {
    const response = await apiFetch(path, params, key, what, signal);
    return response.json();
  }

  function describe(error) {
    if (error instanceof ApiError) {
      if (error.isAuth) return fmt(T.errorNotAdmin, { status: error.status });
      return fmt(T.errorHttp, { status: error.status, what: T[error.what] || error.what, detail: error.detail });
    }
    if (error instanceof Unreachable) return T.errorUnreachable;
    return String((error && error.message) || error);
  }

  /* ---------- page state ---------- */

  function setState(state) {
    document.body.dataset.state = state;
  }

  function setStatus(text) {
    $("#status").textContent = text || "";
  }

  function setError(text) {
    const box = $("#error");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function storedKey() {
    try {
      return sessionStorage.getItem(KEY_STORAGE) || "";
    } catch (ignored) {
      return "";
    }
  }

  function storeKey(key) {
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (ignored) {
      // Storage disabled: the key lives as long as the page.
    }
  }

  let memoryKey = "";
  const currentKey = () => storedKey() || memoryKey;

  // Whatever load is under way, its answers are no longer wanted.
  function cancelLoad() {
    loadCount += 1;
    if (inFlight) inFlight.abort();
    inFlight = null;
    document.body.removeAttribute("aria-busy");
  }

  function showKeyForm(message) {
    cancelLoad();
    memoryKey = "";
    storeKey("");
    resetData();
    $("#dashboard").hidden = true;
    $("#change-key").hidden = true;
    $("#key-section").hidden = false;
    const input = $("#key-input");
    input.value = "";
    input.setAttribute("aria-invalid", message ? "true" : "false");
    $("#key-submit").disabled = false;
    setStatus("");
    setError(message || "");
    setState("key");
    input.focus();
  }

  function showDashboard() {
    const wasHidden = $("#dashboard").hidden;
    $("#key-section").hidden = true;
    $("#dashboard").hidden = false;
    $("#change-key").hidden = false;
    if (wasHidden) $("#main").focus({ preventScroll: true });
  }

  function filters() {
    return {
      start: $("#start").value,
      end: $("#end").value,
      group_by: $("#group-by").value,
    };
  }

  function datesValid() {
    const { start, end } = filters();
    const valid = Boolean(start && end && start <= end);
    for (const id of ["#start", "#end"]) $(id).setAttribute("aria-invalid", valid ? "false" : "true");
    return valid;
  }

  /* ---------- loading ---------- */

  async function load() {
    const key = currentKey();
    if (!key) {
      showKeyForm();
      return;
    }
    if (!datesValid()) {
      setError(T.errorDates);
      setState("error");
      return;
    }
    cancelLoad();
    const controller = new AbortController();
    inFlight = controller;
    const sequence = loadCount;
    const params = filters();
    const range = { start: params.start, end: params.end };

    setState("loading");
    setStatus(T.loading);
    setError("");
    document.body.setAttribute("aria-busy", "true");

    const results = await Promise.allSettled([
      apiJson("/summary", params, key, "whatSummary", controller.signal),
      apiJson("/articles", range, key, "whatArticles", controller.signal),
      apiJson("/gaps", range, key, "whatGaps", controller.signal),
    ]);
    if (sequence !== loadCount) return; // a newer load (or a key change) took over
    inFlight = null;
    document.body.removeAttribute("aria-busy");
    $("#key-submit").disabled = false;

    const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    const authFailure = failures.find((e) => e instanceof ApiError && e.isAuth);
    if (authFailure) {
      showKeyForm(describe(authFailure));
      return;
    }

    showDashboard(); // before plotting: a hidden chart would be drawn zero pixels wide
    const [summary, articles, gaps] = results.map((r) => (r.status === "fulfilled" ? r.value : null));
    const drawing = [];
    if (summary) drawing.push(...renderSummary(summary, params.group_by));
    if (articles) drawing.push(renderArticles(articles.articles || []));
    if (gaps) renderGaps(gaps.clusters || []);
    try {
      await Promise.all(drawing);
    } catch (error) {
      failures.push(error);
    }
    if (sequence !== loadCount) return;

    const messages = Array.from(new Set(failures.map(describe)));
    if (!window.Plotly && !plotlyWarned) {
      plotlyWarned = true;
      messages.push(T.errorPlotly);
    }
    setError(messages.join(" "));
    if (failures.length) {
      setStatus("");
      setState("error");
    } else {
      setStatus(fmt(T.updated, { start: showDate(range.start), end: showDate(range.end), time: clockTime() }));
      setState("ready");
    }
  }

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

  function resetData() {
    renderTiles(null);
    $("#gaps-table tbody").replaceChildren();
    for (const section of $$(".chart")) {
      const plotNode = $(".plot", section);
      if (window.Plotly) window.Plotly.purge(plotNode);
      plotNode.replaceChildren();
      summarise(section, "");
    }
  }

  /* ---------- CSV export ---------- */

  async function exportCsv(button) {
    const key = currentKey();
    if (!key) {
      showKeyForm();
      return;
    }
    if (!datesValid()) {
      setError(T.errorDates);
      return;
    }
    const report = button.dataset.report;
    const params = Object.assign({ report }, filters());
    if (report !== "summary") delete params.group_by;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    setError("");
    try {
      // The key travels in a header, so a plain link cannot download it: fetch, then save a Blob.
      const response = await apiFetch("/export.csv", params, key, "whatExport");
      const blob = await response.blob();
      const file = `insights-${report}-${isoDate(new Date())}.csv`;
      const url = URL.createObjectURL(blob);
      const link = el("a");
      link.href = url;
      link.download = file;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus(fmt(T.exported, { file }));
    } catch (error) {
      if (error instanceof ApiError && error.isAuth) showKeyForm(describe(error));
      else setError(describe(error));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  /* ---------- start-up ---------- */

  function applyStrings() {
    document.documentElement.lang = LANG;
    document.title = T.pageTitle;
    for (const node of $$("[data-i18n]")) {
      const text = T[node.dataset.i18n];
      if (text != null) node.textContent = text;
    }
  }

  function wire() {
    $("#key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("#key-input");
      const key = input.value.trim();
      if (!key) {
        input.setAttribute("aria-invalid", "true");
        setError(T.errorKeyEmpty);
        input.focus();
        return;
      }
      input.setAttribute("aria-invalid", "false");
      memoryKey = key;
      storeKey(key);
      $("#key-submit").disabled = true;
      load();
    });
    $("#change-key").addEventListener("click", () => showKeyForm());
    $("#filters").addEventListener("submit", (event) => {
      event.preventDefault();
      load();
    });
    $("#group-by").addEventListener("change", () => load());
    for (const id of ["#start", "#end"]) {
      $(id).addEventListener("change", () => {
        if (datesValid()) load();
        else setError(T.errorDates);
      });
    }
    for (const button of $$("#export button[data-report]")) {
      button.addEventListener("click", () => exportCsv(button));
    }
  }

  async function start() {
    try {
      const response = await fetch("/static/insights.i18n.json");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const strings = await response.json();
      LANG = pickLanguage(navigator.language, strings);
      T = strings[LANG] || strings[FALLBACK_LANGUAGE];
    } catch (error) {
      $("#boot-error").hidden = false;
      setState("error");
      return;
    }
    applyStrings();
    chartHeadings($("#group-by").value);
    const range = defaultRange();
    $("#start").value = range.start;
    $("#end").value = range.end;
    $("#start").max = range.end;
    wire();
    if (currentKey()) load();
    else showKeyForm();
  }

  start();
})();
