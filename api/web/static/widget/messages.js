  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

  /* ---------- messages: the transcript, article cards, quick replies ---------- */

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
    } else if (message.file) {
      // A file the customer sent: its name as plain text (never a link), after a paper clip.
      const text = el("div", "esw-text esw-file-name");
      text.append(icon(ICON_CLIP), el("span", null, message.text));
      item.appendChild(text);
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
