/*
 * ERP support assistant: the customer portal's ticket form, embedded with one tag like the chat widget.
 *
 *   <script src="https://API/static/ticket-form.js" data-target="#new-ticket" data-language="es"
 *           data-portal-token="JWT (optional)" defer></script>
 *
 * Renders into data-target (a CSS selector; default: a new element right after the script tag) and
 * talks to the API the script came from (/api/v1/portal/…): a form session, the form's options
 * (products, environments, impact and urgency with their definitions, file limits), suggestions
 * while the customer types (with "this solved it"), the priority and due times previewed live,
 * the product's maintenance notices, the attachments, and the ticket itself. Optional attributes:
 * data-language (else the page's <html lang>, else the browser's), data-portal-token (the portal's
 * signed JWT for its logged-in user: contact fields are then filled and locked), data-country (two
 * letters, for the support calendar), data-heading-level (the form's title is an <h2> unless told
 * otherwise, its parts' headings one level down), data-timeout-ms (request timeout, default 15000).
 *
 * Nothing typed is lost: values stay in the form whatever the API answers, and a draft (files
 * excepted) is kept in sessionStorage until the ticket is created, so a reload keeps it too.
 *
 * Plain ES2020 with no dependencies and no build step. Every node is built with textContent
 * (never parsed as HTML): article lines, notices and error messages can echo what someone typed.
 *
 * /static/ticket-form.js is this file and the other parts in api/web/static/ticket-form/, one after
 * the other in the order api/web/ticket_form.py lists them: head.js opens the closure they all
 * share, tail.js closes it, so the parts see each other's names as one file's would.
 */
(function () {
  "use strict";

  // currentScript is only set while this file's top level runs: read it before anything async.
  const script = document.currentScript;
  // A portal that includes the tag twice (templates, SPA re-renders) must still get one form.
  if (!script || window.__erpSupportTicketForm) return;
  window.__erpSupportTicketForm = true;

  // The API serves this script: /static/ticket-form.js beside /api/v1/, whatever page embeds it.
  const API_BASE = new URL("../api/v1/", script.src).href;
  const asset = (name) => new URL(name, script.src).href;
  const TARGET = script.getAttribute("data-target") || "";
  const PORTAL_TOKEN = script.getAttribute("data-portal-token") || "";
  const WANTED_LANGUAGE =
    script.getAttribute("data-language") || document.documentElement.lang || navigator.language || "";
  const COUNTRY = (script.getAttribute("data-country") || "").trim().toUpperCase();
  const TIMEOUT_MS = Number(script.getAttribute("data-timeout-ms")) || 15000;
  const HEADING_LEVEL = Math.min(4, Math.max(1, Number(script.getAttribute("data-heading-level")) || 2));
  // How long typing must pause before the subject and description are searched.
  const SUGGEST_PAUSE_MS = 500;
  const MAX_SUGGESTIONS = 3;
  const MAX_CACHED = 50;
  const DRAFT_KEY = "erp-support-ticket-form:v1";
  const FALLBACK_LANGUAGE = "pt-BR";
  const MIB = 1024 * 1024;

  // The form's sections and fields, named exactly as the ticket API names them (422 details
  // point at these names), in the order a customer fills them in.
  const SECTIONS = [
    ["contact", ["contact_name", "contact_email", "contact_phone", "company_code"]],
    ["product", ["product", "module", "version", "environment"]],
    ["problem", ["summary", "description", "since_when", "error_message"]],
    ["priority", ["impact", "urgency"]],
  ];
  const FIELD_NAMES = SECTIONS.flatMap(([, names]) => names);
  const INPUTS = {
    contact_name: { type: "text", autocomplete: "name" },
    contact_email: { type: "email", autocomplete: "email", spellcheck: false },
    contact_phone: { type: "tel", autocomplete: "tel" },
    company_code: { type: "text", autocomplete: "off", spellcheck: false },
    product: { kind: "select" },
    module: { type: "text" },
    version: { type: "text", spellcheck: false },
    environment: { kind: "radio" },
    summary: { type: "text" },
    description: { kind: "textarea", rows: 7 },
    since_when: { type: "text" },
    error_message: { kind: "textarea", rows: 3, spellcheck: false },
    impact: { kind: "radio" },
    urgency: { kind: "radio" },
  };
  // What a verified portal identity fills in: the locked ones come from the account, whatever is typed.
  const LOCKED_BY_IDENTITY = { contact_name: "name", contact_email: "email", company_code: "company_code" };

  // Used only when ticket-form-i18n.json cannot be fetched: the API is then out of reach too, so
  // all the form can do is say so and offer to try again.
  const BUILT_IN_STRINGS = {
    "pt-BR": {
      loadFailed: "Não foi possível carregar o formulário de chamados. Tente de novo.",
      retry: "Tentar de novo",
    },
    es: { loadFailed: "No se pudo cargar el formulario de tickets. Intente de nuevo.", retry: "Reintentar" },
    en: { loadFailed: "The ticket form could not be loaded. Please try again.", retry: "Try again" },
  };

  // The UI strings and their language; the form's options, session and DOM once loaded.
  let t = BUILT_IN_STRINGS[FALLBACK_LANGUAGE];
  let language = FALLBACK_LANGUAGE;
  let options = null;
  let session = null;
  const ui = { fields: {} };
