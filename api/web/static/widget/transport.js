  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

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
    const metadata = {};
    if (!state.started) metadata.language = navigator.language;
    // Every message carries the portal token: the channel verifies it (cached) and may see it expire.
    if (PORTAL_TOKEN) metadata.portal_token = PORTAL_TOKEN;
    if (Object.keys(metadata).length) body.metadata = metadata;
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
