  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

  // The accepted types' extensions (shared/file_types.js), for the picker and for files the browser
  // names no type for.
  const FILE_TYPES_BY_EXTENSION = Object.fromEntries(
    Object.entries(TYPES_BY_EXTENSION).filter(([, type]) => FILE_TYPES.has(type)),
  );
  const FILE_ACCEPT = [...FILE_TYPES, ...Object.keys(FILE_TYPES_BY_EXTENSION).map((ext) => "." + ext)].join(",");

  /* ---------- small helpers ---------- */

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  function icon(pathData) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", pathData);
    svg.appendChild(path);
    return svg;
  }
  const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ICON_CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";
  const ICON_SEND = "M3 20.5 21 12 3 3.5v6.6l12 1.9-12 1.9z";
  const ICON_CLIP =
    "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 " +
    "4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z";

  // crypto.randomUUID exists only in secure contexts; a portal served over plain http still
  // needs a sender id that no other visitor will share.
  function newId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // The type a file goes with: the browser's when the API accepts it, else its extension's.
  function fileType(file) {
    if (FILE_TYPES.has(file.type)) return file.type;
    const extension = String(file.name).split(".").pop().toLowerCase();
    return FILE_TYPES_BY_EXTENSION[extension] || file.type || "application/octet-stream";
  }

  // "{name} is over {mb} MB": the UI strings' placeholders filled in (as text, never as HTML).
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
  }

  // 24-hour HH:MM, independent of the host page's locale settings.
  function clock(ms) {
    const d = new Date(ms);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  // The UI language follows the browser: exact tag, then its primary language, then pt-BR.
  function pickLanguage(tag, available) {
    const wanted = String(tag || "").toLowerCase();
    const names = Object.keys(available);
    const exact = names.find((name) => name.toLowerCase() === wanted);
    if (exact) return exact;
    const primary = wanted.split("-")[0];
    return names.find((name) => name.toLowerCase().split("-")[0] === primary) || FALLBACK_LANGUAGE;
  }

  // Plain text with http(s) links made clickable. Trailing punctuation ends a sentence, not a URL.
  const URL_PATTERN = /(https?:\/\/[^\s<>"«»“”]+)/g;
  function appendLinkified(parent, text) {
    let last = 0;
    for (const match of String(text).matchAll(URL_PATTERN)) {
      let url = match[0];
      const trailing = /[.,;:!?)\]]+$/.exec(url);
      if (trailing) url = url.slice(0, -trailing[0].length);
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      parent.appendChild(externalLink(url, url));
      last = match.index + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function externalLink(url, label, hint) {
    const a = el("a", "esw-link", label);
    a.href = url;
    a.target = "_blank";
    // noopener: the article page must not be able to navigate the portal through window.opener.
    a.rel = "noopener noreferrer";
    if (hint) a.appendChild(el("span", "esw-sr-only", " " + hint));
    return a;
  }

  /*
   * A knowledge answer from the bot looks like (es / pt-BR / en):
   *   Encontré esto en «TITLE» — SECTION:\n SNIPPET \nArtículo completo: URL
   * It is recognised by its shape, not its words, so a new language needs no change here:
   * the title between quotes or guillemets on the first line, a "label: https://…" last line.
   */
  const ARTICLE_HEAD = /[«“"](.+?)[»”"]\s*[—–-]\s*(.+?):\s*$/;
  const ARTICLE_LINK = /^[^:\n]{1,60}:\s*(https?:\/\/\S+)\s*$/;
  function parseArticle(text) {
    const lines = String(text || "").split("\n");
    if (lines.length < 2) return null;
    const head = ARTICLE_HEAD.exec(lines[0]);
    const link = ARTICLE_LINK.exec(lines[lines.length - 1].trim());
    if (!head || !link) return null;
    return {
      title: head[1].trim(),
      section: head[2].trim(),
      snippet: lines.slice(1, -1).join("\n").trim(),
      url: link[1],
    };
  }
