  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- the DOM: the form beside its suggestions ---------- */

  // Where the form goes: the element data-target names, else a new one right after the script tag.
  function mountPoint() {
    const found = TARGET ? document.querySelector(TARGET) : null;
    if (found) return found;
    const host = document.createElement("div");
    script.insertAdjacentElement("afterend", host);
    return host;
  }

  function buildRoot() {
    const root = el("div", "etf-root");
    root.lang = language;
    root.dataset.state = "loading";
    const title = headingOf(0, "etf-title", t.title || "");
    title.id = uniqueId("title");
    const announcer = el("div", "etf-sr-only");
    announcer.setAttribute("aria-live", "polite");
    const body = el("div", "etf-body");
    body.appendChild(el("p", "etf-loading", t.loading || ""));
    root.append(title, announcer, body);
    mountPoint().appendChild(root);
    Object.assign(ui, { root, title, announcer, body });
  }

  function setState(state) {
    ui.root.dataset.state = state;
  }

  // The form could not start (API or strings out of reach): say so, offer to try again.
  function showLoadFailure(again) {
    setState("failed");
    ui.body.textContent = "";
    const box = el("div", "etf-alert");
    box.setAttribute("role", "alert");
    box.appendChild(el("p", null, t.loadFailed));
    box.appendChild(button("etf-button etf-button--secondary", t.retry, again));
    ui.body.appendChild(box);
  }

  function section(name, names, extra) {
    const part = el("section", "etf-section etf-section--" + name);
    const heading = headingOf(1, "etf-section-title", t.sections[name]);
    heading.id = uniqueId("section-" + name);
    part.setAttribute("aria-labelledby", heading.id);
    part.appendChild(heading);
    if (extra) part.appendChild(extra);
    for (const fieldName of names) {
      part.appendChild(buildField(fieldName));
      if (fieldName === "description") part.appendChild(buildSkipToSuggestions());
    }
    return part;
  }

  function buildForm() {
    ui.body.textContent = "";
    if (t.intro) ui.body.appendChild(el("p", "etf-intro", t.intro));

    // A portal token the API refused: the customer hears why and goes on filling the contact in.
    if (session.rejected) {
      const box = el("p", "etf-alert etf-alert--warning", fill(t.identityRejected, { reason: session.rejected }));
      box.setAttribute("role", "alert");
      ui.body.appendChild(box);
    }

    const layout = el("div", "etf-layout");
    const main = el("div", "etf-main");
    const form = el("form", "etf-form");
    form.noValidate = true;
    form.setAttribute("aria-labelledby", ui.title.id);
    form.appendChild(el("p", "etf-required-note", t.requiredNote));

    ui.identityNote = el("p", "etf-identity-note", t.identityNote);
    ui.identityNote.id = uniqueId("identity");
    ui.identityNote.hidden = true;
    for (const [name, names] of SECTIONS) {
      const part = section(name, names, name === "contact" ? ui.identityNote : null);
      if (name === "priority") part.appendChild(buildPreview());
      form.appendChild(part);
    }
    form.appendChild(buildFiles());
    form.appendChild(buildNotices());

    ui.status = el("div", "etf-status");
    ui.status.setAttribute("role", "alert");
    ui.status.hidden = true;
    ui.submit = el("button", "etf-button etf-submit", t.submit);
    ui.submit.type = "submit";
    const actions = el("div", "etf-actions");
    actions.appendChild(ui.submit);
    form.append(ui.status, actions);
    main.appendChild(form);

    layout.append(main, buildSuggestions());
    ui.body.appendChild(layout);
    Object.assign(ui, { layout, main, form });

    ui.done = el("section", "etf-done");
    ui.done.hidden = true;
    ui.body.appendChild(ui.done);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitTicket();
    });
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    // A reload or a closed tab right after typing: the pending draft is written now.
    window.addEventListener("pagehide", () => {
      if (ui.root.dataset.state !== "done") saveDraft();
    });
  }

  // Any edit: its field's old message goes (the value changed), the draft is kept, and what
  // depends on the field follows it.
  function onEdit(event) {
    const wrap = event.target.closest && event.target.closest("[data-field]");
    const name = wrap ? wrap.dataset.field : "";
    if (name) clearFieldError(name);
    if (name || event.target === ui.fileInput) saveDraftSoon();
    if (event.type === "input" && (name === "summary" || name === "description")) scheduleSuggestions();
    if (event.type === "change" && name === "product") {
      showNotices();
      scheduleSuggestions();
    }
    if (event.type === "change" && (name === "impact" || name === "urgency")) showPriority();
  }
