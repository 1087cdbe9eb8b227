  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

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
