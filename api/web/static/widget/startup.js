  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

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
