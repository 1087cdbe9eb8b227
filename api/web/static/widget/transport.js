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

  // A file the customer chose: refused here when over the limit (nothing is sent), else shown by its
  // name as their message and uploaded in its turn; the channel's words about it are the bot's reply.
  function sendFile(file) {
    if (file.size > MAX_FILE_BYTES) {
      showNotice(fill(t.fileTooLarge, { name: file.name, mb: MAX_FILE_MB }));
      return;
    }
    addMessage({ id: newId(), from: "user", text: file.name, file: true, at: Date.now() });
    deliverFile(file);
  }

  function deliver(payload) {
    enqueue(() => exchange(payload));
  }

  function deliverFile(file) {
    enqueue(() => upload(file));
  }

  function enqueue(task) {
    pending += 1;
    showWaiting();
    queue = queue
      .then(task)
      .catch(() => {
        // The tasks handle their own errors; this keeps the chain alive whatever happens.
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
      showError(failure(error), () => deliver(payload));
      return;
    }
    showReplies(replies);
  }

  async function upload(file) {
    let replies;
    try {
      replies = await postFile(file);
    } catch (error) {
      showError(failure(error), () => deliverFile(file));
      return;
    }
    showReplies(replies);
  }

  function failure(error) {
    return error && error.name === "TimeoutError" ? t.errorTimeout : t.errorDown;
  }

  function showReplies(replies) {
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
    const body = { sender: state.sender, message: payload };
    // Only the first message declares the browser's language: the bot can't tell the language
    // of "hola" or "ok", and afterwards the user's own words decide.
    const metadata = {};
    if (!state.started) metadata.language = navigator.language;
    // Every message carries the portal token: the channel verifies it (cached) and may see it expire.
    if (PORTAL_TOKEN) metadata.portal_token = PORTAL_TOKEN;
    if (Object.keys(metadata).length) body.metadata = metadata;
    const answer = await fetchWithin(RASA_URL + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error("Rasa answered HTTP " + answer.status);
    if (!Array.isArray(answer.body)) throw new Error("unexpected reply from Rasa");
    state.started = true;
    saveState();
    return answer.body;
  }

  // The raw file to the REST channel, which keeps it with this conversation (same sender as the
  // messages). Its answer, kept or refused (413, 415, 422, 503), holds the words to show.
  async function postFile(file) {
    const headers = {
      "Content-Type": fileType(file),
      "X-File-Name": encodeURIComponent(file.name),
      // Only for the channel's own words when the conversation has no language yet.
      "X-Language": navigator.language,
    };
    if (PORTAL_TOKEN) headers["X-Portal-Token"] = PORTAL_TOKEN;
    const url = RASA_URL + "/webhooks/rest/files?sender=" + encodeURIComponent(state.sender);
    const answer = await fetchWithin(url, { method: "POST", headers, body: file });
    const messages = answer.body && answer.body.messages;
    if (!Array.isArray(messages)) throw new Error("Rasa answered HTTP " + answer.status);
    return messages;
  }

  // fetch within TIMEOUT_MS, reading the body inside the timeout too: a server can stall after the
  // headers. Resolves to { ok, status, body } (body null when it is not JSON).
  async function fetchWithin(url, init) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, TIMEOUT_MS);
    try {
      const response = await fetch(url, Object.assign({}, init, { signal: controller.signal }));
      let body = null;
      try {
        body = await response.json();
      } catch (error) {
        if (timedOut) throw error;
      }
      return { ok: response.ok, status: response.status, body };
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
  function showError(text, again) {
    const item = el("div", "esw-msg esw-msg--error");
    item.appendChild(el("div", "esw-text", text));
    const retry = el("button", "esw-retry", t.retry);
    retry.type = "button";
    retry.addEventListener("click", () => {
      item.remove();
      // Same payload (or file) again, without a second user bubble. After a timeout the server may
      // have got the first one; the bot treats a repeated confirmation idempotently.
      again();
      ui.input.focus();
    });
    item.appendChild(retry);
    appendTime(item);
  }

  // A line from the widget itself (a file refused before sending): shown, not stored, not sent.
  function showNotice(text) {
    const item = el("div", "esw-msg esw-msg--notice");
    item.appendChild(el("div", "esw-text", text));
    appendTime(item);
  }

  function appendTime(item) {
    item.appendChild(el("time", "esw-time", clock(Date.now())));
    ui.log.appendChild(item);
    scrollToEnd();
  }
