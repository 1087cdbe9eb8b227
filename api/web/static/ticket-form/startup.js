  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- start-up: stylesheet and strings, then the session and the form's options ---------- */

  async function start() {
    setState("loading");
    try {
      [session, options] = await Promise.all([openSession(), loadOptions()]);
    } catch (error) {
      showLoadFailure(start);
      return;
    }
    buildForm();
    applyIdentity(session.identity);
    const restored = restoreDraft(readDraft());
    // What a restored draft already says: its notices, its priority, its suggestions.
    if (fieldValue("product")) showNotices();
    if (fieldValue("impact") && fieldValue("urgency")) showPriority();
    if (restored) {
      runSuggestions();
      announce(t.draftRestored);
    }
    setState("ready");
  }

  Promise.all([loadStylesheet("ticket-form.css"), loadStrings("ticket-form-i18n.json", TIMEOUT_MS), whenBodyReady()])
    .then(([, strings]) => {
      const available = strings && typeof strings === "object" ? strings : BUILT_IN_STRINGS;
      language = pickLanguage(WANTED_LANGUAGE, available);
      const builtIn = BUILT_IN_STRINGS[language] || BUILT_IN_STRINGS[FALLBACK_LANGUAGE];
      t = Object.assign({}, builtIn, available[language] || {});
      buildRoot();
      if (!strings) {
        // No strings, no API: a reload is the only retry that can help.
        showLoadFailure(() => window.location.reload());
        return;
      }
      return start();
    })
    .catch((error) => {
      // Loading never rejects by design, so this is a bug in building the form: say so once, clearly,
      // instead of leaving an anonymous unhandled rejection on the customer's page.
      console.error("ERP support ticket form could not start:", error);
    });
