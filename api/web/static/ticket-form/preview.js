  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- live previews: the priority and due times, the product's maintenance notices ---------- */

  let priorityController = null;
  let noticesController = null;

  function buildPreview() {
    const box = el("div", "etf-preview");
    box.setAttribute("aria-live", "polite");
    box.dataset.state = "idle";
    box.appendChild(el("p", "etf-preview-hint", t.priorityHint));
    ui.preview = box;
    return box;
  }

  function buildNotices() {
    const box = el("div", "etf-notices");
    box.setAttribute("role", "status");
    box.dataset.state = "idle";
    ui.notices = box;
    return box;
  }

  function previewLine(list, label, value) {
    list.append(el("dt", null, label), el("dd", null, value));
  }

  async function showPriority() {
    const impact = fieldValue("impact");
    const urgency = fieldValue("urgency");
    if (!impact || !urgency) return;
    if (priorityController) priorityController.abort();
    const controller = new AbortController();
    priorityController = controller;
    ui.preview.dataset.state = "loading";
    let answer = null;
    try {
      answer = await fetchPriority(impact, urgency, controller.signal);
    } catch (error) {
      answer = null;
    }
    // Another choice was made meanwhile: its answer is the one to show.
    if (priorityController !== controller) return;
    priorityController = null;
    ui.preview.textContent = "";
    const preview = answer && answer.ok && answer.body;
    if (!preview || !preview.priority) {
      ui.preview.appendChild(el("p", "etf-preview-hint", t.priorityFailed));
      ui.preview.dataset.state = "failed";
      return;
    }
    const priority = t.priorityNames[preview.priority] || preview.priority;
    const heading = el("p", "etf-preview-title");
    heading.append(
      el("span", null, t.priorityTitle + " "),
      el("strong", "etf-priority etf-priority--" + preview.priority, priority),
    );
    const list = el("dl", "etf-preview-list");
    previewLine(list, t.firstResponseDue, formatMoment(preview.first_response_due, preview.time_zone));
    previewLine(list, t.resolutionDue, formatMoment(preview.resolution_due, preview.time_zone));
    ui.preview.append(heading, list, el("p", "etf-preview-note", fill(t.dueNote, { zone: preview.time_zone })));
    ui.preview.dataset.priority = preview.priority;
    ui.preview.dataset.state = "ready";
  }

  async function showNotices() {
    const product = fieldValue("product");
    if (noticesController) noticesController.abort();
    noticesController = null;
    ui.notices.textContent = "";
    ui.notices.classList.remove("etf-has-notices");
    if (!product) {
      ui.notices.dataset.state = "idle";
      return;
    }
    const controller = new AbortController();
    noticesController = controller;
    ui.notices.dataset.state = "loading";
    let answer = null;
    try {
      answer = await fetchNotices(product, controller.signal);
    } catch (error) {
      answer = null;
    }
    if (noticesController !== controller) return;
    noticesController = null;
    // A notice that cannot be fetched is not shown: the ticket can still be opened.
    const notices = answer && answer.ok && Array.isArray(answer.body) ? answer.body : [];
    for (const notice of notices) ui.notices.appendChild(renderNotice(notice));
    ui.notices.classList.toggle("etf-has-notices", notices.length > 0);
    ui.notices.dataset.count = String(notices.length);
    ui.notices.dataset.state = "ready";
  }

  function renderNotice(notice) {
    const box = el("div", "etf-notice");
    box.dataset.noticeId = notice.id || "";
    const heading = headingOf(2, "etf-notice-title");
    heading.append(
      el("span", "etf-notice-kicker", (notice.ongoing ? t.noticeOngoing : t.noticeUpcoming) + ": "),
      el("span", null, notice.title),
    );
    box.appendChild(heading);
    const windowText = fill(t.noticeWindow, { start: formatMoment(notice.start), end: formatMoment(notice.end) });
    box.appendChild(el("p", "etf-notice-window", windowText));
    if (notice.summary) box.appendChild(el("p", "etf-notice-summary", notice.summary));
    const steps = Array.isArray(notice.contingency) ? notice.contingency : [];
    if (steps.length) {
      box.appendChild(el("p", "etf-notice-steps-title", t.contingency));
      const list = el("ol", "etf-notice-steps");
      for (const step of steps) list.appendChild(el("li", null, step));
      box.appendChild(list);
    }
    return box;
  }
