  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- suggestions while typing: the articles that may answer it, "this solved it" ---------- */

  // Answers by (text, product): a text is never sent twice. A newer text aborts the request in flight.
  const suggestionCache = new Map();
  // Every article shown, by id, with its outcome: it goes with the ticket as articles_shown.
  const shownArticles = new Map();
  const viewedTokens = new Set();
  let suggestTimer = 0;
  let suggestController = null;
  let suggestKey = "";

  function buildSuggestions() {
    const aside = el("aside", "etf-aside");
    aside.dataset.state = "idle";
    const heading = headingOf(1, "etf-aside-title", t.suggestionsTitle);
    heading.id = uniqueId("suggestions");
    heading.tabIndex = -1;
    aside.setAttribute("aria-labelledby", heading.id);
    const hint = el("p", "etf-hint", t.suggestionsHint);
    const stop = el("div", "etf-stop");
    stop.hidden = true;
    const cards = el("div", "etf-cards");
    cards.setAttribute("aria-live", "polite");
    aside.append(heading, hint, stop, cards);
    Object.assign(ui, { aside, asideTitle: heading, stop, cards });
    return aside;
  }

  // Below the description: on a phone the suggestions sit under the whole form, so a keyboard or
  // screen-reader user gets a way there, once there is something to see.
  function buildSkipToSuggestions() {
    ui.skip = button("etf-skip", "", () => ui.asideTitle.focus());
    ui.skip.hidden = true;
    return ui.skip;
  }

  function suggestionQuery() {
    return normalised(fieldValue("summary") + "\n" + fieldValue("description"));
  }

  // As the API counts: shorter than 3 words or 12 characters is not searched (it answers an empty list).
  function searchable(q) {
    return q.length >= 12 && q.split(" ").length >= 3;
  }

  function scheduleSuggestions() {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(runSuggestions, SUGGEST_PAUSE_MS);
  }

  async function runSuggestions() {
    const q = suggestionQuery();
    if (!searchable(q)) return;
    const product = fieldValue("product");
    const key = product + "\n" + q.toLowerCase();
    if (key === suggestKey) return;
    suggestKey = key;
    if (suggestController) suggestController.abort();
    suggestController = null;
    if (suggestionCache.has(key)) {
      showSuggestions(suggestionCache.get(key));
      return;
    }
    const controller = new AbortController();
    suggestController = controller;
    ui.aside.dataset.state = "searching";
    try {
      const answer = await fetchSuggestions(q, product, controller.signal);
      if (sessionProblem(answer)) {
        // The session expired: a new one asks again (renewSession runs the suggestions once more).
        suggestKey = "";
        renewSession();
        return;
      }
      if (!answer.ok || !answer.body || !Array.isArray(answer.body.suggestions)) {
        throw new Error("GET portal/suggestions answered HTTP " + answer.status);
      }
      const found = answer.body.suggestions.slice(0, MAX_SUGGESTIONS);
      suggestionCache.set(key, found);
      if (suggestionCache.size > MAX_CACHED) suggestionCache.delete(suggestionCache.keys().next().value);
      if (suggestKey === key) showSuggestions(found);
    } catch (error) {
      // Aborted for a newer text, or out of reach: suggestions are a help, never in the way. The
      // same text may be tried again later, as no answer was kept for it.
      if (suggestKey === key) suggestKey = "";
    } finally {
      if (suggestController === controller) {
        suggestController = null;
        ui.aside.dataset.state = "idle";
      }
    }
  }

  // Answers given in a session that has been replaced: their tokens would be refused.
  function forgetSuggestions() {
    suggestionCache.clear();
    suggestKey = "";
    delete ui.cards.dataset.articles;
    if (suggestController) suggestController.abort();
  }

  function showSuggestions(found) {
    // The same articles again (a word added, then removed): the cards stay, so a screen reader does
    // not hear them twice and a focused button keeps its focus.
    const ids = found.map((suggestion) => suggestion.article_id).join("\n");
    if (ids && ids === ui.cards.dataset.articles) return;
    ui.cards.dataset.articles = ids;
    ui.cards.textContent = "";
    for (const suggestion of found) {
      if (!shownArticles.has(suggestion.article_id)) {
        const { article_id, title, url } = suggestion;
        shownArticles.set(article_id, { article_id, title, url });
      }
      ui.cards.appendChild(renderCard(suggestion));
    }
    ui.aside.classList.toggle("etf-has-cards", found.length > 0);
    ui.skip.hidden = found.length === 0;
    const skipText = found.length === 1 ? t.seeSuggestionsOne : t.seeSuggestionsMany;
    ui.skip.textContent = fill(skipText, { count: found.length });
  }

  function renderCard(suggestion) {
    const card = el("article", "etf-card");
    card.dataset.articleId = suggestion.article_id;
    const title = headingOf(2, "etf-card-title", suggestion.title);
    title.id = uniqueId("card");
    card.setAttribute("aria-labelledby", title.id);
    card.appendChild(title);
    // A Spanish question may be answered by a Portuguese article: say which language it is in.
    if (suggestion.lang && suggestion.lang !== language && t.articleLanguages[suggestion.lang]) {
      card.appendChild(el("p", "etf-card-lang", t.articleLanguages[suggestion.lang]));
    }
    if (suggestion.section && suggestion.section !== suggestion.title) {
      card.appendChild(el("p", "etf-card-section", suggestion.section));
    }
    if (suggestion.lines) card.appendChild(el("p", "etf-card-lines", suggestion.lines));
    const actions = el("div", "etf-card-actions");
    if (suggestion.url) {
      const link = externalLink(suggestion.url, t.openArticle, t.newTab);
      link.classList.add("etf-card-link");
      // Opened counts as viewed: a click, a middle click, Enter on the link.
      const viewed = () => markViewed(suggestion.token);
      link.addEventListener("click", viewed);
      link.addEventListener("auxclick", viewed);
      actions.appendChild(link);
    }
    const outcome = shownArticles.get(suggestion.article_id);
    if (outcome && outcome.outcome === "solved") {
      actions.appendChild(thanks());
    } else {
      const solved = button("etf-button etf-button--secondary etf-solved", t.solved, () => {
        markSolved(suggestion, solved);
      });
      actions.appendChild(solved);
    }
    card.appendChild(actions);
    return card;
  }

  function thanks() {
    const note = el("p", "etf-thanks", t.solvedThanks);
    note.tabIndex = -1;
    return note;
  }

  function markViewed(token) {
    if (!token || viewedTokens.has(token)) return;
    viewedTokens.add(token);
    markSuggestion("viewed", token).catch(() => viewedTokens.delete(token));
  }

  async function markSolved(suggestion, solvedButton) {
    if (solvedButton.dataset.busy) return;
    solvedButton.dataset.busy = "true";
    solvedButton.setAttribute("aria-disabled", "true");
    const card = solvedButton.closest(".etf-card");
    card.querySelector(".etf-card-error")?.remove();
    let answer = null;
    try {
      answer = await markSuggestion("solved", suggestion.token);
    } catch (error) {
      answer = null;
    }
    delete solvedButton.dataset.busy;
    solvedButton.removeAttribute("aria-disabled");
    if (!answer || !answer.ok) {
      const problem = el("p", "etf-card-error", t.solvedFailed);
      problem.setAttribute("role", "alert");
      card.appendChild(problem);
      return;
    }
    shownArticles.get(suggestion.article_id).outcome = "solved";
    const note = thanks();
    solvedButton.replaceWith(note);
    ui.root.dataset.deflected = "true";
    offerToStop();
  }

  // The article solved it: the customer may stop here. Nothing typed goes: the form stays as it is,
  // hidden while they are done, back with one click.
  function offerToStop() {
    ui.stop.textContent = "";
    const text = el("p", "etf-stop-text", t.stopOffer);
    text.id = uniqueId("stop");
    text.tabIndex = -1;
    const actions = el("div", "etf-stop-actions");
    actions.append(
      button("etf-button", t.stopHere, stopHere),
      button("etf-button etf-button--secondary", t.continueTicket, () => {
        ui.stop.hidden = true;
        focusField("summary");
      }),
    );
    ui.stop.append(text, actions);
    ui.stop.hidden = false;
    text.focus();
  }

  function stopHere() {
    saveDraft();
    ui.layout.hidden = true;
    ui.done.textContent = "";
    const heading = headingOf(1, "etf-done-title", t.stoppedTitle);
    heading.tabIndex = -1;
    ui.done.append(heading, el("p", "etf-done-text", t.stopped));
    ui.done.appendChild(
      button("etf-button etf-button--secondary", t.backToForm, () => {
        ui.done.hidden = true;
        ui.layout.hidden = false;
        ui.stop.hidden = true;
        setState("ready");
        focusField("summary");
      }),
    );
    ui.done.hidden = false;
    setState("stopped");
    heading.focus();
  }
