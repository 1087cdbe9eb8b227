  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- submitting: the API's rules, every value kept, the ticket and its next steps ---------- */

  const OPTIONAL_FIELDS = new Set(["contact_phone", "since_when", "error_message"]);
  // The same body again (a retry after a network failure) keeps its Idempotency-Key, so a ticket the
  // API did create before the answer was lost is answered again instead of opened twice.
  let lastAttempt = { body: "", key: "" };
  let submitting = false;

  function ticketBody() {
    const body = { language };
    if (customerCountry()) body.country = customerCountry();
    for (const name of FIELD_NAMES) {
      const value = fieldValue(name).trim();
      // An optional field left empty is not sent; a required one is, so the API says what it needs.
      if (value || !OPTIONAL_FIELDS.has(name)) body[name] = value;
    }
    const shown = [...shownArticles.values()].slice(0, 50);
    if (shown.length) body.articles_shown = shown;
    return body;
  }

  function showStatus(text, again) {
    ui.status.textContent = "";
    ui.status.appendChild(el("p", null, text));
    if (again) ui.status.appendChild(button("etf-button etf-button--secondary etf-retry", t.retry, again));
    ui.status.hidden = false;
  }

  function clearStatus() {
    ui.status.hidden = true;
    ui.status.textContent = "";
  }

  async function submitTicket() {
    if (submitting) return;
    if (uploadsPending()) {
      showStatus(t.waitForFiles);
      return;
    }
    submitting = true;
    setState("submitting");
    ui.submit.setAttribute("aria-disabled", "true");
    ui.submit.textContent = t.submitting;
    clearStatus();
    for (const name of FIELD_NAMES) clearFieldError(name);
    saveDraft();
    await takeBacksDone();
    // A removed file the API could not drop must not join the ticket: a new session's files go instead.
    let answer = filesDiscarded && !(await renewSession()) ? null : await attempt();
    if (sessionProblem(answer)) {
      // The session or the sign-in expired while the form was open: a new one, then the same ticket.
      answer = (await renewSession()) ? await attempt() : null;
    }
    submitting = false;
    ui.submit.removeAttribute("aria-disabled");
    ui.submit.textContent = t.submit;
    if (answer && answer.status === 201 && answer.body && answer.body.number) {
      showTicket(answer.body);
      return;
    }
    setState("ready");
    if (answer && answer.status === 422) {
      showRefusal(answer.body);
    } else if (!answer || answer.status >= 500 || answer.status === 429) {
      // Out of reach, timed out, busy or failed inside: nothing was lost, the same attempt can go again.
      showStatus(answer ? t.serverError : t.networkError, () => submitTicket());
      ui.status.querySelector("button").focus();
    } else {
      showStatus(fill(t.refused, { reason: detailText(answer.body) || "HTTP " + answer.status }));
      ui.submit.focus();
    }
  }

  // One POST of the form as it is now; the same body keeps its key. null when nothing came back.
  async function attempt() {
    const body = ticketBody();
    const text = JSON.stringify(body);
    if (text !== lastAttempt.body) lastAttempt = { body: text, key: newId() };
    try {
      return await postTicket(body, lastAttempt.key);
    } catch (error) {
      return null;
    }
  }

  // 422: each message next to its field, the first invalid field focused; anything that is not
  // a field of the form (an expired session, a header) is said above the button.
  function showRefusal(body) {
    const details = Array.isArray(body && body.detail) ? body.detail : [];
    const invalid = [];
    const other = [];
    for (const detail of details) {
      const loc = Array.isArray(detail && detail.loc) ? detail.loc : [];
      const name = loc[0] === "body" ? loc[1] : undefined;
      if (name && ui.fields[name] && showFieldError(name, String(detail.msg || ""))) {
        if (!invalid.includes(name)) invalid.push(name);
      } else {
        other.push(String((detail && detail.msg) || ""));
      }
    }
    if (!details.length) other.push(detailText(body));
    const count = invalid.length;
    const summary = count ? fill(count === 1 ? t.fixOne : t.fixMany, { count }) : "";
    const reasons = other.filter(Boolean).join("; ");
    showStatus([summary, reasons ? fill(t.refused, { reason: reasons }) : ""].filter(Boolean).join(" "));
    if (count) {
      // In the form's order, not the API's: the customer goes down the page.
      focusField(FIELD_NAMES.find((name) => invalid.includes(name)));
    } else {
      ui.submit.focus();
    }
  }

  // 201: the form gives way to the ticket: number, priority, due times and what happens next.
  function showTicket(ticket) {
    clearDraft();
    ui.layout.hidden = true;
    ui.done.textContent = "";
    const heading = headingOf(1, "etf-done-title", fill(t.doneTitle, { number: ticket.number }));
    heading.tabIndex = -1;
    ui.done.appendChild(heading);
    const list = el("dl", "etf-done-list");
    const line = (label, value) => list.append(el("dt", null, label), el("dd", null, value));
    line(t.doneNumber, String(ticket.number));
    line(t.priorityLabel, t.priorityNames[ticket.priority] || String(ticket.priority || ""));
    line(t.firstResponseDue, formatMoment(ticket.first_response_due, ticket.time_zone));
    line(t.resolutionDue, formatMoment(ticket.resolution_due, ticket.time_zone));
    if (Array.isArray(ticket.files) && ticket.files.length) {
      line(t.doneFiles, ticket.files.map((file) => file.filename).join(", "));
    }
    ui.done.appendChild(list);
    ui.done.appendChild(headingOf(2, "etf-done-subtitle", t.nextSteps));
    ui.done.appendChild(el("p", "etf-next-steps", ticket.next_steps || t.nextStepsFallback));
    ui.done.dataset.number = String(ticket.number);
    ui.done.hidden = false;
    setState("done");
    heading.focus();
    if (heading.scrollIntoView) heading.scrollIntoView({ block: "start" });
  }
