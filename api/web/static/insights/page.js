  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- page state ---------- */

  function setState(state) {
    document.body.dataset.state = state;
  }

  function setStatus(text) {
    $("#status").textContent = text || "";
  }

  function setError(text) {
    const box = $("#error");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function storedKey() {
    try {
      return sessionStorage.getItem(KEY_STORAGE) || "";
    } catch (ignored) {
      return "";
    }
  }

  function storeKey(key) {
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch (ignored) {
      // Storage disabled: the key lives as long as the page.
    }
  }

  let memoryKey = "";
  const currentKey = () => storedKey() || memoryKey;

  // Whatever load is under way, its answers are no longer wanted.
  function cancelLoad() {
    loadCount += 1;
    if (inFlight) inFlight.abort();
    inFlight = null;
    document.body.removeAttribute("aria-busy");
  }

  function showKeyForm(message) {
    cancelLoad();
    memoryKey = "";
    storeKey("");
    resetData();
    $("#dashboard").hidden = true;
    $("#change-key").hidden = true;
    $("#key-section").hidden = false;
    const input = $("#key-input");
    input.value = "";
    input.setAttribute("aria-invalid", message ? "true" : "false");
    $("#key-submit").disabled = false;
    setStatus("");
    setError(message || "");
    setState("key");
    input.focus();
  }

  function showDashboard() {
    const wasHidden = $("#dashboard").hidden;
    $("#key-section").hidden = true;
    $("#dashboard").hidden = false;
    $("#change-key").hidden = false;
    if (wasHidden) $("#main").focus({ preventScroll: true });
  }

  function filters() {
    return {
      start: $("#start").value,
      end: $("#end").value,
      group_by: $("#group-by").value,
    };
  }

  function datesValid() {
    const { start, end } = filters();
    const valid = Boolean(start && end && start <= end);
    for (const id of ["#start", "#end"]) $(id).setAttribute("aria-invalid", valid ? "false" : "true");
    return valid;
  }

  // What the last key's answers put on the page goes: tiles, the gaps table, the charts.
  function resetData() {
    renderTiles(null);
    $("#gaps-table tbody").replaceChildren();
    for (const section of $$(".chart")) {
      const plotNode = $(".plot", section);
      if (window.Plotly) window.Plotly.purge(plotNode);
      plotNode.replaceChildren();
      summarise(section, "");
    }
  }
