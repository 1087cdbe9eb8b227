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
 *
 * /static/insights.js is this file and the other parts in api/web/static/insights/, one after the
 * other in the order api/web/dashboard.py lists them: head.js opens the closure they all share,
 * tail.js closes it, so the parts see each other's names as one file's would.
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
