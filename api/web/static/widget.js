/*
 * ERP support assistant: embeddable chat widget.
 *
 *   <script src="https://API/static/widget.js" data-rasa-url="https://RASA" defer></script>
 *
 * Talks to Rasa's REST channel (POST {rasa}/webhooks/rest/webhook, {sender, message, metadata?})
 * and renders its replies: text, knowledge-base answers as article cards, buttons as quick replies.
 * Optional attributes: data-timeout-ms (request timeout, default 15000).
 *
 * Plain ES2020 with no dependencies and no build step, so a customer portal can embed it as is.
 * Every node is built with textContent (never innerHTML): bot text can echo what a user typed.
 */
(function () {
  "use strict";

  // currentScript is only set while this file's top level runs: read it before anything async.
  const script = document.currentScript;
  // A portal that includes the tag twice (templates, SPA re-renders) must still get one widget.
  if (!script || window.__erpSupportWidget) return;
  window.__erpSupportWidget = true;

  const RASA_URL = (script.getAttribute("data-rasa-url") || "http://localhost:5005").replace(/\/+$/, "");
  const TIMEOUT_MS = Number(script.getAttribute("data-timeout-ms")) || 15000;
  const STORAGE_KEY = "erp-support-widget:v1";
  const MAX_STORED = 50;
  const FALLBACK_LANGUAGE = "pt-BR";
  // Assets sit beside the script, on the API's origin, whatever page embeds it.
  const asset = (name) => new URL(name, script.src).href;

  // Used only when widget-i18n.json cannot be fetched (e.g. the API's CORS rules do not list the
  // embedding site): the chat must still work, in the fallback language.
  const BUILT_IN_STRINGS = {
    title: "Assistente de suporte",
    subtitle: "",
    launcherOpen: "Abrir o chat de suporte",
    launcherClose: "Fechar o chat de suporte",
    close: "Fechar o chat",
    inputLabel: "Sua mensagem",
    placeholder: "Descreva sua dúvida…",
    send: "Enviar",
    typing: "O assistente está digitando…",
    you: "Você",
    bot: "Assistente",
    welcome: "",
    quickReplies: "Respostas rápidas",
    article: "Artigo da base de conhecimento",
    readArticle: "Ler o artigo",
    newTab: "(abre em nova aba)",
    errorDown: "Não consegui falar com o assistente. Tente de novo.",
    errorTimeout: "O assistente demorou demais para responder.",
    retry: "Tentar de novo",
  };

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

  // crypto.randomUUID exists only in secure contexts; a portal served over plain http still
  // needs a sender id that no other visitor will share.
  function newId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
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

  /* ---------- persistence: the conversation survives page reloads ---------- */

  function freshState() {
    return { sender: newId(), started: false, open: false, messages: [] };
  }

  function loadState() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) {
        // Keep only well-formed entries: one bad record must not stop the whole transcript.
        saved.messages = saved.messages.filter(
          (m) => m && (m.from === "user" || m.from === "bot") && typeof m.text === "string" && Number.isFinite(m.at)
        );
        return saved;
      }
    } catch (error) {
      // Storage blocked or corrupt: start over rather than break the host page.
    }
    return freshState();
  }

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Quota or privacy mode: the chat still works, it just won't survive a reload.
    }
  }

  /* ---------- start-up: stylesheet and strings first, so nothing flashes unstyled ---------- */

  function loadStylesheet() {
    return new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = asset("widget.css");
      // A missing stylesheet degrades the look, not the chat: resolve either way.
      link.onload = link.onerror = () => resolve();
      document.head.appendChild(link);
    });
  }

  async function loadStrings() {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 5000);
    try {
      const response = await fetch(asset("widget-i18n.json"), { signal: controller.signal });
      if (!response.ok) return null;
      return await response.json();
    } catch (error) {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  let state = loadState();
  // Whether the view follows the newest message, and when the panel last changed size.
  let pinned = true;
  let resizedAt = 0;
  let t = BUILT_IN_STRINGS;
  let language = FALLBACK_LANGUAGE;
  const ui = {};

  function whenBodyReady() {
    if (document.body) return Promise.resolve();
    return new Promise((resolve) => document.addEventListener("DOMContentLoaded", () => resolve(), { once: true }));
  }

  Promise.all([loadStylesheet(), loadStrings(), whenBodyReady()])
    .then(([, strings]) => {
      if (strings && typeof strings === "object") {
        language = pickLanguage(navigator.language, strings);
        t = Object.assign({}, BUILT_IN_STRINGS, strings[language] || strings[FALLBACK_LANGUAGE] || {});
      }
      build();
    })
    .catch((error) => {
      // Loading never rejects by design, so this is a bug in build(): say so once, clearly,
      // instead of leaving an anonymous unhandled rejection on the customer's page.
      console.error("ERP support widget could not start:", error);
    });

  /* ---------- the DOM ---------- */

  function build() {
    const root = el("div", "esw-root");
    root.lang = language;
    root.dataset.state = "idle";

    const panel = el("div", "esw-panel");
    panel.id = "esw-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", t.title);
    panel.hidden = true;

    const header = el("div", "esw-header");
    const heading = el("div", "esw-heading");
    heading.appendChild(el("p", "esw-title", t.title));
    if (t.subtitle) heading.appendChild(el("p", "esw-subtitle", t.subtitle));
    const closeButton = el("button", "esw-close");
    closeButton.type = "button";
    closeButton.setAttribute("aria-label", t.close);
    closeButton.appendChild(icon(ICON_CLOSE));
    header.append(heading, closeButton);

    // The scroll area holds the log and, after it, the typing indicator: the indicator is not
    // a message, so it stays out of the live region and is not announced on every turn.
    const body = el("div", "esw-body");
    const log = el("div", "esw-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", t.title);
    const typing = el("div", "esw-typing");
    typing.hidden = true;
    const dots = el("span", "esw-dots");
    dots.setAttribute("aria-hidden", "true");
    dots.append(el("span"), el("span"), el("span"));
    typing.append(dots, el("span", "esw-sr-only", t.typing));
    body.append(log, typing);

    const form = el("form", "esw-form");
    form.setAttribute("novalidate", "");
    const inputId = "esw-input";
    const label = el("label", "esw-sr-only", t.inputLabel);
    label.htmlFor = inputId;
    const input = el("input", "esw-input");
    input.id = inputId;
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = 2000;
    input.placeholder = t.placeholder;
    input.setAttribute("enterkeyhint", "send");
    const sendButton = el("button", "esw-send");
    sendButton.type = "submit";
    sendButton.setAttribute("aria-label", t.send);
    sendButton.appendChild(icon(ICON_SEND));
    form.append(label, input, sendButton);

    panel.append(header, body, form);

    const launcher = el("button", "esw-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-label", t.launcherOpen);
    launcher.setAttribute("aria-controls", panel.id);
    launcher.setAttribute("aria-expanded", "false");
    launcher.append(icon(ICON_CHAT), el("span", "esw-launcher-close"));
    launcher.lastChild.appendChild(icon(ICON_CLOSE));

    root.append(panel, launcher);
    document.body.appendChild(root);
    Object.assign(ui, { root, panel, body, log, typing, form, input, launcher });

    launcher.addEventListener("click", () => (panel.hidden ? openPanel(true) : closePanel()));
    closeButton.addEventListener("click", closePanel);
    root.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) {
        event.preventDefault();
        closePanel();
      }
    });
    // Enter submits the form natively; submit also covers the send button and mobile keyboards.
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      send(text, text);
    });

    // Keep the newest message in view when the panel changes size (phone keyboard opening,
    // rotation, window resize), unless the user had scrolled up to read something older.
    body.addEventListener("scroll", () => {
      // Right after a resize, mobile Chromium re-anchors scroll positions (as on rotation) and
      // fires a scroll the user never made: stay at the end instead of taking it as "scrolled up".
      if (pinned && performance.now() - resizedAt < 500) {
        scrollToEnd();
        return;
      }
      pinned = body.scrollHeight - body.scrollTop - body.clientHeight < 40;
    });
    if (window.ResizeObserver) {
      // border-box: a scrollbar appearing in the log is not a resize of the panel.
      new ResizeObserver(() => {
        resizedAt = performance.now();
        if (pinned) scrollToEnd();
      }).observe(body, { box: "border-box" });
    }

    renderTranscript();
    // Reopen after a reload if it was open, without stealing focus from the page.
    if (state.open) openPanel(false);
  }

  function openPanel(moveFocus) {
    ui.panel.hidden = false;
    ui.root.classList.add("esw-open");
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.launcher.setAttribute("aria-label", t.launcherClose);
    state.open = true;
    saveState();
    scrollToEnd();
    if (moveFocus) ui.input.focus();
  }

  function closePanel() {
    ui.panel.hidden = true;
    ui.root.classList.remove("esw-open");
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.setAttribute("aria-label", t.launcherOpen);
    state.open = false;
    saveState();
    ui.launcher.focus();
  }

  function scrollToEnd() {
    pinned = true;
    ui.body.scrollTop = ui.body.scrollHeight;
  }

  function renderTranscript() {
    ui.log.textContent = "";
    if (!state.messages.length && t.welcome) {
      // A local greeting, not sent to the bot and not stored: it only says what to ask.
      ui.log.appendChild(renderBubble({ from: "bot", text: t.welcome, at: Date.now() }, "esw-msg--intro"));
    }
    for (const message of state.messages) ui.log.appendChild(renderBubble(message));
    scrollToEnd();
  }

  function renderBubble(message, extraClass) {
    const article = message.from === "bot" ? parseArticle(message.text) : null;
    const item = el("div", "esw-msg esw-msg--" + message.from + (article ? " esw-msg--card" : ""));
    if (extraClass) item.classList.add(extraClass);
    // Screen readers hear who speaks; sighted users see it from the bubble's side and colour.
    item.appendChild(el("span", "esw-sr-only", (message.from === "user" ? t.you : t.bot) + ": "));
    if (article) {
      item.appendChild(renderArticle(article));
    } else if (message.text) {
      const text = el("div", "esw-text");
      appendLinkified(text, message.text);
      item.appendChild(text);
    }
    if (message.buttons && message.buttons.length) item.appendChild(renderQuickReplies(message));
    const time = el("time", "esw-time", clock(message.at));
    time.dateTime = new Date(message.at).toISOString();
    item.appendChild(time);
    return item;
  }

  function renderArticle(article) {
    const card = el("div", "esw-card");
    card.appendChild(el("p", "esw-card-kicker", t.article));
    card.appendChild(el("p", "esw-card-title", article.title));
    // The article's first section is headed by its own title: don't say it twice.
    if (article.section && article.section !== article.title) {
      card.appendChild(el("p", "esw-card-section", article.section));
    }
    if (article.snippet) {
      const snippet = el("div", "esw-card-snippet");
      appendLinkified(snippet, article.snippet);
      card.appendChild(snippet);
    }
    const link = externalLink(article.url, t.readArticle, t.newTab);
    link.classList.add("esw-card-link");
    card.appendChild(link);
    return card;
  }

  function renderQuickReplies(message) {
    const group = el("div", "esw-quick");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t.quickReplies);
    message.buttons.forEach((choice, index) => {
      const button = el("button", "esw-quick-button", choice.title);
      button.type = "button";
      if (message.answered) {
        button.disabled = true;
        if (message.chosen === index) button.classList.add("esw-chosen");
      }
      button.addEventListener("click", () => {
        if (message.answered) return;
        // One answer per group: a second click would send a contradicting payload.
        message.answered = true;
        message.chosen = index;
        for (const other of group.querySelectorAll("button")) other.disabled = true;
        button.classList.add("esw-chosen");
        send(choice.payload, choice.title);
        // The focused button just got disabled; keep the keyboard user in the conversation.
        ui.input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  function addMessage(message) {
    state.messages.push(message);
    saveState();
    ui.log.querySelector(".esw-msg--intro")?.remove();
    const node = renderBubble(message);
    ui.log.appendChild(node);
    scrollToEnd();
    return node;
  }

  // A long answer (an article card and its follow-ups) would otherwise land scrolled to its
  // end: show the turn from its first bubble, which is where reading starts.
  function revealTurn(first) {
    const top = first.offsetTop - 8;
    if (top < ui.body.scrollTop) {
      // Set before the scroll event arrives, so it isn't mistaken for a layout-driven scroll.
      pinned = false;
      ui.body.scrollTop = top;
    }
  }

  /* ---------- talking to Rasa ---------- */

  // Requests go one at a time so replies appear in the order the user asked; the input stays
  // usable meanwhile and later messages simply wait their turn.
  let queue = Promise.resolve();
  let pending = 0;

  function send(payload, shown) {
    addMessage({ id: newId(), from: "user", text: shown, at: Date.now() });
    deliver(payload);
  }

  function deliver(payload) {
    pending += 1;
    showWaiting();
    queue = queue
      .then(() => exchange(payload))
      .catch(() => {
        // exchange() handles its own errors; this keeps the chain alive whatever happens.
      })
      .then(() => {
        pending -= 1;
        showWaiting();
      });
  }

  function showWaiting() {
    ui.typing.hidden = pending === 0;
    // Tests and host pages can watch this attribute instead of guessing with delays.
    ui.root.dataset.state = pending === 0 ? "idle" : "waiting";
    // Show the dots when they appear; when they go, leave the view where the answer put it.
    if (pending > 0) scrollToEnd();
  }

  async function exchange(payload) {
    let replies;
    try {
      replies = await postToRasa(payload);
    } catch (error) {
      showError(payload, error && error.name === "TimeoutError" ? t.errorTimeout : t.errorDown);
      return;
    }
    let first = null;
    for (const reply of replies) {
      if (!reply || (!reply.text && !(reply.buttons && reply.buttons.length))) continue;
      const buttons = Array.isArray(reply.buttons)
        ? reply.buttons
            .filter((b) => b && typeof b.payload === "string")
            .map((b) => ({ title: String(b.title || b.payload), payload: b.payload }))
        : [];
      const node = addMessage({ id: newId(), from: "bot", text: String(reply.text || ""), buttons, at: Date.now() });
      first = first || node;
    }
    if (first) revealTurn(first);
  }

  async function postToRasa(payload) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, TIMEOUT_MS);
    const body = { sender: state.sender, message: payload };
    // Only the first message declares the browser's language: the bot can't tell the language
    // of "hola" or "ok", and afterwards the user's own words decide.
    if (!state.started) body.metadata = { language: navigator.language };
    try {
      const response = await fetch(RASA_URL + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (!response.ok) throw new Error("Rasa answered HTTP " + response.status);
      // Reading the body is inside the timeout too: a server can stall after the headers.
      const replies = await response.json();
      if (!Array.isArray(replies)) throw new Error("unexpected reply from Rasa");
      state.started = true;
      saveState();
      return replies;
    } catch (error) {
      if (timedOut) {
        const timeout = new Error("no answer within " + TIMEOUT_MS + " ms");
        timeout.name = "TimeoutError";
        throw timeout;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // Errors are shown, not stored: after a reload a stale "Retry" would resend an old message.
  function showError(payload, text) {
    const item = el("div", "esw-msg esw-msg--error");
    item.appendChild(el("div", "esw-text", text));
    const retry = el("button", "esw-retry", t.retry);
    retry.type = "button";
    retry.addEventListener("click", () => {
      item.remove();
      // Same payload again, without a second user bubble. After a timeout the server may have
      // got the first one; the bot treats a repeated confirmation idempotently.
      deliver(payload);
      ui.input.focus();
    });
    item.appendChild(retry);
    const time = el("time", "esw-time", clock(Date.now()));
    item.appendChild(time);
    ui.log.appendChild(item);
    scrollToEnd();
  }
})();
