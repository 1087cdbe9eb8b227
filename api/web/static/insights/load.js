  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- loading ---------- */

  async function load() {
    const key = currentKey();
    if (!key) {
      showKeyForm();
      return;
    }
    if (!datesValid()) {
      setError(T.errorDates);
      setState("error");
      return;
    }
    cancelLoad();
    const controller = new AbortController();
    inFlight = controller;
    const sequence = loadCount;
    const params = filters();
    const range = { start: params.start, end: params.end };

    setState("loading");
    setStatus(T.loading);
    setError("");
    document.body.setAttribute("aria-busy", "true");

    const results = await Promise.allSettled([
      apiJson("/summary", params, key, "whatSummary", controller.signal),
      apiJson("/articles", range, key, "whatArticles", controller.signal),
      apiJson("/gaps", range, key, "whatGaps", controller.signal),
    ]);
    if (sequence !== loadCount) return; // a newer load (or a key change) took over
    inFlight = null;
    document.body.removeAttribute("aria-busy");
    $("#key-submit").disabled = false;

    const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason);
    const authFailure = failures.find((e) => e instanceof ApiError && e.isAuth);
    if (authFailure) {
      showKeyForm(describe(authFailure));
      return;
    }

    showDashboard(); // before plotting: a hidden chart would be drawn zero pixels wide
    const [summary, articles, gaps] = results.map((r) => (r.status === "fulfilled" ? r.value : null));
    const drawing = [];
    if (summary) drawing.push(...renderSummary(summary, params.group_by));
    if (articles) drawing.push(renderArticles(articles.articles || []));
    if (gaps) renderGaps(gaps.clusters || []);
    try {
      await Promise.all(drawing);
    } catch (error) {
      failures.push(error);
    }
    if (sequence !== loadCount) return;

    const messages = Array.from(new Set(failures.map(describe)));
    if (!window.Plotly && !plotlyWarned) {
      plotlyWarned = true;
      messages.push(T.errorPlotly);
    }
    setError(messages.join(" "));
    if (failures.length) {
      setStatus("");
      setState("error");
    } else {
      setStatus(fmt(T.updated, { start: showDate(range.start), end: showDate(range.end), time: clockTime() }));
      setState("ready");
    }
  }
