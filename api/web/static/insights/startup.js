  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- start-up ---------- */

  function applyStrings() {
    document.documentElement.lang = LANG;
    document.title = T.pageTitle;
    for (const node of $$("[data-i18n]")) {
      const text = T[node.dataset.i18n];
      if (text != null) node.textContent = text;
    }
  }

  function wire() {
    $("#key-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = $("#key-input");
      const key = input.value.trim();
      if (!key) {
        input.setAttribute("aria-invalid", "true");
        setError(T.errorKeyEmpty);
        input.focus();
        return;
      }
      input.setAttribute("aria-invalid", "false");
      memoryKey = key;
      storeKey(key);
      $("#key-submit").disabled = true;
      load();
    });
    $("#change-key").addEventListener("click", () => showKeyForm());
    $("#filters").addEventListener("submit", (event) => {
      event.preventDefault();
      load();
    });
    $("#group-by").addEventListener("change", () => load());
    for (const id of ["#start", "#end"]) {
      $(id).addEventListener("change", () => {
        if (datesValid()) load();
        else setError(T.errorDates);
      });
    }
    for (const button of $$("#export button[data-report]")) {
      button.addEventListener("click", () => exportCsv(button));
    }
  }

  async function start() {
    try {
      const response = await fetch("/static/insights.i18n.json");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const strings = await response.json();
      LANG = pickLanguage(navigator.language, strings);
      T = strings[LANG] || strings[FALLBACK_LANGUAGE];
    } catch (error) {
      $("#boot-error").hidden = false;
      setState("error");
      return;
    }
    applyStrings();
    chartHeadings($("#group-by").value);
    const range = defaultRange();
    $("#start").value = range.start;
    $("#end").value = range.end;
    $("#start").max = range.end;
    wire();
    if (currentKey()) load();
    else showKeyForm();
  }

  start();
