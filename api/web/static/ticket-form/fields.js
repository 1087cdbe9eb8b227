  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- the fields: labels, hints, messages, values ---------- */

  function fieldRule(name) {
    return (options.fields && options.fields[name]) || {};
  }

  // The choices of a radio group. A level's definition reads "Alto: la operación …": its head is the
  // option's name (in the right gender: impacto alto, urgencia alta), the rest its description.
  function choicesOf(name) {
    if (name === "environment") {
      return (options.environments || []).map((choice) => ({ value: choice.value, label: choice.label }));
    }
    const definitions = (options.definitions && options.definitions[name]) || {};
    return (options.levels || []).map((level) => {
      const text = String(definitions[level] || "");
      const head = /^([^:]{1,30}):\s*(.+)$/s.exec(text);
      const label = head ? head[1] : (options.level_labels || {})[level] || level;
      const description = head ? head[2].charAt(0).toUpperCase() + head[2].slice(1) : text;
      return { value: level, label, description };
    });
  }

  function caption(name, required) {
    const nodes = [el("span", null, t.labels[name] || name)];
    if (!required) nodes.push(el("span", "etf-optional", " " + t.optional));
    return nodes;
  }

  function buildField(name) {
    const spec = INPUTS[name];
    const kind = spec.kind || "input";
    const required = Boolean(fieldRule(name).required);
    const id = uniqueId(name);
    const field = { name, kind, required, locked: false, own: [] };
    const wrap = el(kind === "radio" ? "fieldset" : "div", "etf-field etf-field--" + name);
    wrap.dataset.field = name;
    const hintText = t.hints[name];
    if (hintText) {
      field.hint = el("p", "etf-hint", fill(hintText, { mb: maxFileMb() }));
      field.hint.id = id + "-hint";
    }
    field.error = el("p", "etf-error");
    field.error.id = id + "-error";
    field.error.hidden = true;

    if (kind === "radio") {
      // A native radio group: Tab reaches it once, the arrow keys move and choose.
      const legend = el("legend", "etf-label");
      legend.id = id + "-legend";
      legend.append(...caption(name, required));
      wrap.setAttribute("role", "radiogroup");
      wrap.setAttribute("aria-labelledby", legend.id);
      if (required) wrap.setAttribute("aria-required", "true");
      const group = el("div", "etf-options etf-options--" + name);
      field.inputs = choicesOf(name).map((choice, index) => {
        const option = el("label", "etf-option");
        const input = el("input", "etf-radio");
        input.type = "radio";
        input.name = id;
        input.value = choice.value;
        input.id = id + "-" + index;
        if (required) input.required = true;
        const text = el("span", "etf-option-text");
        text.appendChild(el("span", "etf-option-name", choice.label));
        if (choice.description) {
          const description = el("span", "etf-option-description", choice.description);
          description.id = input.id + "-description";
          text.appendChild(description);
          field.own.push([input, description.id]);
        }
        option.append(input, text);
        group.appendChild(option);
        return input;
      });
      wrap.append(legend, ...(field.hint ? [field.hint] : []), group, field.error);
    } else {
      const label = el("label", "etf-label");
      label.htmlFor = id;
      label.append(...caption(name, required));
      let input;
      if (kind === "select") {
        input = el("select", "etf-input etf-select");
        const none = el("option", null, t.chooseProduct);
        none.value = "";
        input.appendChild(none);
        for (const product of options.products) {
          const option = el("option", null, product);
          option.value = product;
          input.appendChild(option);
        }
      } else if (kind === "textarea") {
        input = el("textarea", "etf-input etf-textarea");
        input.rows = spec.rows;
      } else {
        input = el("input", "etf-input");
        input.type = spec.type;
      }
      input.id = id;
      input.name = name;
      if (spec.autocomplete) input.autocomplete = spec.autocomplete;
      if (spec.spellcheck === false) input.spellcheck = false;
      if (required) {
        input.required = true;
        input.setAttribute("aria-required", "true");
      }
      field.input = input;
      field.inputs = [input];
      wrap.append(label, ...(field.hint ? [field.hint] : []), input, field.error);
    }
    field.wrap = wrap;
    describe(field);
    ui.fields[name] = field;
    return wrap;
  }

  // aria-describedby of each input: its own description, the field's hint, the account note of a
  // locked field, and the message when the API refused the value (read right after the label).
  function describe(field) {
    const after = [];
    if (field.hint) after.push(field.hint.id);
    if (field.locked && ui.identityNote) after.push(ui.identityNote.id);
    for (const input of field.inputs) {
      const own = field.own.filter(([owner]) => owner === input).map(([, descriptionId]) => descriptionId);
      const ids = [...(field.error.hidden ? [] : [field.error.id]), ...own, ...after];
      if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
      else input.removeAttribute("aria-describedby");
    }
  }

  function fieldValue(name) {
    const field = ui.fields[name];
    if (!field) return "";
    if (field.kind === "radio") {
      const checked = field.inputs.find((input) => input.checked);
      return checked ? checked.value : "";
    }
    return field.input.value;
  }

  function setFieldValue(name, value) {
    const field = ui.fields[name];
    if (!field) return;
    if (field.kind === "radio") {
      for (const input of field.inputs) input.checked = input.value === value;
    } else if (field.kind === "select") {
      if ([...field.input.options].some((option) => option.value === value)) field.input.value = value;
    } else {
      field.input.value = value;
    }
  }

  function showFieldError(name, message) {
    const field = ui.fields[name];
    if (!field) return false;
    // Two rules broken at once (too short and ill-formed) are both said.
    const before = field.error.hidden ? "" : field.error.textContent;
    field.error.textContent = before && before !== message ? before + "; " + message : message;
    field.error.hidden = false;
    field.wrap.classList.add("etf-invalid");
    for (const input of field.inputs) input.setAttribute("aria-invalid", "true");
    describe(field);
    return true;
  }

  function clearFieldError(name) {
    const field = ui.fields[name];
    if (!field || field.error.hidden) return;
    field.error.hidden = true;
    field.error.textContent = "";
    field.wrap.classList.remove("etf-invalid");
    for (const input of field.inputs) input.removeAttribute("aria-invalid");
    describe(field);
  }

  function focusField(name) {
    const field = ui.fields[name];
    if (!field) return;
    const target = field.inputs.find((input) => input.checked) || field.inputs[0];
    target.focus();
    if (target.scrollIntoView) target.scrollIntoView({ block: "center" });
  }

  // With a verified portal identity the contact comes from the account: filled and read-only.
  function applyIdentity(identity) {
    if (!identity) return;
    for (const [name, claim] of Object.entries(LOCKED_BY_IDENTITY)) {
      const field = ui.fields[name];
      if (!field || !identity[claim]) continue;
      field.input.value = identity[claim];
      field.input.readOnly = true;
      field.input.setAttribute("aria-readonly", "true");
      field.locked = true;
      field.wrap.classList.add("etf-locked");
      describe(field);
    }
    const phone = ui.fields.contact_phone;
    if (phone && identity.phone && !phone.input.value) phone.input.value = identity.phone;
    ui.identityNote.hidden = false;
  }
