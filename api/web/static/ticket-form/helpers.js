  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- small helpers ---------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // A heading `depth` levels under the form's title, which sits where the page said (data-heading-level).
  function headingOf(depth, className, text) {
    return el("h" + Math.min(6, HEADING_LEVEL + depth), className, text);
  }

  // Ids for labels, hints and messages; prefixed, and numbered so that they never meet the page's own.
  let lastId = 0;
  function uniqueId(name) {
    lastId += 1;
    return "etf-" + name + "-" + lastId;
  }

  // crypto.randomUUID exists only in secure contexts; a portal served over plain http still needs
  // idempotency keys that no other visitor will share.
  function newId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // "{name} is over {mb} MB": the UI strings' placeholders filled in (as text, never as HTML).
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  // The UI language: exact tag, then its primary language, then pt-BR.
  function pickLanguage(tag, available) {
    const wanted = String(tag || "").toLowerCase();
    const names = Object.keys(available);
    const exact = names.find((name) => name.toLowerCase() === wanted);
    if (exact) return exact;
    const primary = wanted.split("-")[0];
    return names.find((name) => name.toLowerCase().split("-")[0] === primary) || FALLBACK_LANGUAGE;
  }

  // Text as it is compared and searched: one space between words, none at the ends.
  function normalised(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  // A moment from the API, in the UI language and, when given, the support calendar's time zone
  // (a due time means the support centre's clock), with the zone's name so it cannot be misread.
  function formatMoment(iso, timeZone) {
    const moment = new Date(iso);
    if (Number.isNaN(moment.getTime())) return String(iso || "");
    const parts = {
      weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    };
    try {
      const zoned = timeZone ? Object.assign({ timeZone }, parts) : parts;
      return new Intl.DateTimeFormat(language, zoned).format(moment);
    } catch (error) {
      // A zone this browser does not know: the customer's own clock, still named.
      return new Intl.DateTimeFormat(language, parts).format(moment);
    }
  }

  function formatSize(bytes) {
    const number = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
    if (bytes >= MIB) return number.format(bytes / MIB) + " MB";
    return number.format(Math.max(1, Math.round(bytes / 1024))) + " KB";
  }

  function maxFileMb() {
    return Math.round(((options && options.max_file_bytes) || 0) / MIB * 10) / 10;
  }

  // The type a file goes with: the browser's when the API accepts it, else its extension's.
  function fileType(file) {
    const accepted = new Set((options && options.file_types) || []);
    if (accepted.has(file.type)) return file.type;
    const extension = String(file.name).split(".").pop().toLowerCase();
    const byExtension = TYPES_BY_EXTENSION[extension];
    if (byExtension && accepted.has(byExtension)) return byExtension;
    return file.type || "application/octet-stream";
  }

  function fileAccept() {
    const accepted = new Set((options && options.file_types) || []);
    const extensions = Object.keys(TYPES_BY_EXTENSION).filter((ext) => accepted.has(TYPES_BY_EXTENSION[ext]));
    return [...accepted, ...extensions.map((ext) => "." + ext)].join(",");
  }

  // What an error answer says: FastAPI's detail, a sentence or a list of {msg}.
  function detailText(body) {
    const detail = body && body.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) return detail.map((item) => (item && item.msg) || "").filter(Boolean).join("; ");
    return "";
  }

  function externalLink(url, label, hint) {
    const a = el("a", "etf-link", label);
    a.href = url;
    a.target = "_blank";
    // noopener: the article page must not be able to navigate the portal through window.opener.
    a.rel = "noopener noreferrer";
    if (hint) a.appendChild(el("span", "etf-sr-only", " " + hint));
    return a;
  }

  function button(className, text, onClick) {
    const node = el("button", className, text);
    node.type = "button";
    if (onClick) node.addEventListener("click", onClick);
    return node;
  }

  // Screen readers hear short news (a restored draft, a removed file) from one polite region.
  function announce(text) {
    if (!ui.announcer) return;
    ui.announcer.textContent = "";
    // A change after a tick is announced even when the same words come twice.
    setTimeout(() => {
      ui.announcer.textContent = text;
    }, 50);
  }
