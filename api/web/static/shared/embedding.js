  // Shared by the widget and the ticket form (api/web/static/shared/), inside each one's closure:
  // how an embedded script brings its stylesheet and strings from beside it, on the API's origin.

  /* ---------- embedding: stylesheet, strings, the page's body ---------- */

  function loadStylesheet(name) {
    return new Promise((resolve) => {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = asset(name);
      // A missing stylesheet degrades the look, not what the script does: resolve either way.
      link.onload = link.onerror = () => resolve();
      document.head.appendChild(link);
    });
  }

  // The strings file, or null when it cannot be had in time: the built-in strings then serve.
  async function loadStrings(name, timeoutMs) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(asset(name), { signal: controller.signal });
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
    return new Promise((resolve) => {
      document.addEventListener("DOMContentLoaded", () => resolve(), { once: true });
    });
  }
