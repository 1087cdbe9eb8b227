  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

  /* ---------- start-up: stylesheet and strings first, so nothing flashes unstyled ---------- */

  Promise.all([loadStylesheet("widget.css"), loadStrings("widget-i18n.json", 5000), whenBodyReady()])
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
