  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- the draft: what was typed survives a reload (files excepted) ---------- */

  let draftTimer = 0;

  function readDraft() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
      if (saved && typeof saved === "object" && saved.values && typeof saved.values === "object") {
        // Keep only the form's own fields, as strings: one bad entry must not stop the others.
        const values = {};
        for (const name of FIELD_NAMES) {
          if (typeof saved.values[name] === "string") values[name] = saved.values[name];
        }
        const files = Array.isArray(saved.files) ? saved.files.filter((n) => typeof n === "string") : [];
        return { values, files };
      }
    } catch (error) {
      // Storage blocked or corrupt: start with an empty form rather than break the page.
    }
    return null;
  }

  function saveDraft() {
    clearTimeout(draftTimer);
    if (!ui.form) return;
    const values = {};
    for (const name of FIELD_NAMES) values[name] = fieldValue(name);
    const draft = { values, files: attachments.map((item) => item.file.name) };
    try {
      sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch (error) {
      // Quota or privacy mode: the form still works, it just won't survive a reload.
    }
  }

  function saveDraftSoon() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 250);
  }

  function clearDraft() {
    clearTimeout(draftTimer);
    try {
      sessionStorage.removeItem(DRAFT_KEY);
    } catch (error) {
      // Nothing was stored then.
    }
  }

  // The draft's values back in the form. The locked contact fields keep the account's values.
  function restoreDraft(draft) {
    if (!draft) return false;
    let restored = false;
    for (const [name, value] of Object.entries(draft.values)) {
      const field = ui.fields[name];
      if (!field || field.locked || !value) continue;
      setFieldValue(name, value);
      restored = true;
    }
    if (draft.files.length) {
      ui.filesNote.textContent = fill(t.filesAgain, { names: draft.files.join(", ") });
      ui.filesNote.hidden = false;
    }
    return restored;
  }
