  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

  /* ---------- the DOM ---------- */

  // Whether the view follows the newest message, and when the panel last changed size.
  let pinned = true;
  let resizedAt = 0;
  const ui = {};

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
    // The paper clip is a real button (focusable, Enter and Space work) that opens the hidden picker.
    const attachButton = el("button", "esw-attach");
    attachButton.type = "button";
    attachButton.setAttribute("aria-label", t.attach);
    attachButton.title = t.attach;
    attachButton.appendChild(icon(ICON_CLIP));
    const fileInput = el("input", "esw-file");
    fileInput.type = "file";
    fileInput.accept = FILE_ACCEPT;
    fileInput.hidden = true;
    fileInput.tabIndex = -1;
    fileInput.setAttribute("aria-hidden", "true");
    form.append(label, attachButton, fileInput, input, sendButton);

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
    Object.assign(ui, { root, panel, body, log, typing, form, input, launcher, attachButton, fileInput });

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
    attachButton.addEventListener("click", () => fileInput.click());
    fileInput.addEventListener("change", () => {
      const file = fileInput.files && fileInput.files[0];
      // Cleared, so that choosing the same file again (after a failure) is a change too.
      fileInput.value = "";
      if (file) sendFile(file);
      input.focus();
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
