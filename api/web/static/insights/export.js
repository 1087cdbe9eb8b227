  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- CSV export ---------- */

  async function exportCsv(button) {
    const key = currentKey();
    if (!key) {
      showKeyForm();
      return;
    }
    if (!datesValid()) {
      setError(T.errorDates);
      return;
    }
    const report = button.dataset.report;
    const params = Object.assign({ report }, filters());
    if (report !== "summary") delete params.group_by;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    setError("");
    try {
      // The key travels in a header, so a plain link cannot download it: fetch, then save a Blob.
      const response = await apiFetch("/export.csv", params, key, "whatExport");
      const blob = await response.blob();
      const file = `insights-${report}-${isoDate(new Date())}.csv`;
      const url = URL.createObjectURL(blob);
      const link = el("a");
      link.href = url;
      link.download = file;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setStatus(fmt(T.exported, { file }));
    } catch (error) {
      if (error instanceof ApiError && error.isAuth) showKeyForm(describe(error));
      else setError(describe(error));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
