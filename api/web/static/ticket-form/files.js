  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- attachments: checked against the API's limits, uploaded with the form session ---------- */

  // { file, status: "uploading" | "kept", id, row, statusNode }, in the order chosen.
  const attachments = [];
  // A file taken back that the API could not be told about: the session holds it still, so the
  // ticket then goes with a new session's files.
  let filesDiscarded = false;

  function buildFiles() {
    const part = el("section", "etf-section etf-section--files");
    const heading = headingOf(1, "etf-section-title", t.sections.files);
    heading.id = uniqueId("section-files");
    part.setAttribute("aria-labelledby", heading.id);
    const id = uniqueId("files");
    const label = el("label", "etf-label", t.labels.files);
    label.htmlFor = id;
    label.appendChild(el("span", "etf-optional", " " + t.optional));
    const hint = el("p", "etf-hint", fill(t.hints.files, { mb: maxFileMb() }));
    hint.id = id + "-hint";
    const input = el("input", "etf-file-input");
    input.type = "file";
    input.id = id;
    input.multiple = true;
    input.accept = fileAccept();
    input.setAttribute("aria-describedby", hint.id);
    // Refusals (too large, wrong type, not kept) are said as they happen.
    const problems = el("div", "etf-file-problems");
    problems.setAttribute("role", "alert");
    const note = el("p", "etf-hint etf-files-note");
    note.hidden = true;
    const list = el("ul", "etf-file-list");
    list.setAttribute("aria-label", t.labels.files);
    part.append(heading, label, hint, input, note, problems, list);
    input.addEventListener("change", () => {
      const chosen = [...input.files];
      // Cleared, so that the same file can be chosen again after removing it.
      input.value = "";
      addFiles(chosen);
    });
    Object.assign(ui, { fileInput: input, fileProblems: problems, fileList: list, filesNote: note });
    return part;
  }

  function addFiles(files) {
    ui.fileProblems.textContent = "";
    const accepted = new Set(options.file_types || []);
    for (const file of files) {
      if (file.size > options.max_file_bytes) {
        fileProblem(fill(t.fileTooLarge, { name: file.name, mb: maxFileMb() }));
      } else if (accepted.size && !accepted.has(fileType(file))) {
        fileProblem(fill(t.fileType, { name: file.name }));
      } else {
        if (attachments.length >= options.max_files) {
          fileProblem(fill(t.tooManyFiles, { name: file.name, max: options.max_files }));
          continue;
        }
        const item = { file, status: "uploading", id: null, row: null, statusNode: null };
        attachments.push(item);
        item.row = renderFile(item);
        ui.fileList.appendChild(item.row);
        upload(item);
      }
    }
    ui.filesNote.hidden = true;
    saveDraftSoon();
  }

  function fileProblem(text) {
    ui.fileProblems.appendChild(el("p", "etf-error", text));
  }

  function renderFile(item) {
    const row = el("li", "etf-file");
    row.appendChild(el("span", "etf-file-name", item.file.name));
    row.appendChild(el("span", "etf-file-size", formatSize(item.file.size)));
    const status = el("span", "etf-file-status", t.fileUploading);
    row.appendChild(status);
    const remove = button("etf-file-remove", t.remove, () => removeFile(item));
    remove.setAttribute("aria-label", fill(t.removeFile, { name: item.file.name }));
    row.appendChild(remove);
    item.statusNode = status;
    return row;
  }

  async function upload(item, renewed) {
    let answer = null;
    try {
      answer = await postFile(item.file);
    } catch (error) {
      answer = null;
    }
    if (!attachments.includes(item)) {
      // Taken back while on its way: once kept, the API is told to drop it.
      if (answer && answer.status === 201 && answer.body && answer.body.id) await takeBack(answer.body.id);
      return;
    }
    if (!renewed && sessionProblem(answer) && (await renewSession())) {
      await upload(item, true);
      return;
    }
    if (answer && answer.status === 201 && answer.body && answer.body.id) {
      item.status = "kept";
      item.row.dataset.fileId = answer.body.id;
      item.id = answer.body.id;
      item.statusNode.textContent = t.fileKept;
      return;
    }
    // Refused by the API (its words), or not sent at all: the row goes, the reason is said.
    const reason = (answer && detailText(answer.body)) || t.fileNotSent;
    fileProblem(fill(t.fileFailed, { name: item.file.name, reason }));
    dropFile(item);
  }

  function dropFile(item) {
    const index = attachments.indexOf(item);
    if (index >= 0) attachments.splice(index, 1);
    item.row.remove();
    saveDraftSoon();
  }

  // The API drops a file taken back before the ticket; when it cannot be reached, the next submit
  // goes with a new session instead, so the file still stays out of the ticket.
  // Take-backs under way: a submit waits for them, so a file taken back never joins its ticket.
  const takingBack = new Set();

  function takeBack(id) {
    const done = deleteFile(id)
      .catch(() => null)
      .then((answer) => {
        if (!answer || (answer.status !== 204 && answer.status !== 404)) filesDiscarded = true;
        takingBack.delete(done);
      });
    takingBack.add(done);
    return done;
  }

  function takeBacksDone() {
    return Promise.all([...takingBack]);
  }

  function removeFile(item) {
    if (item.status === "kept") takeBack(item.id);
    // Still on its way: it may land after the submit, so that ticket goes with a new session.
    if (item.status === "uploading") filesDiscarded = true;
    // Focus goes to the next row's button, or back to the picker: never lost on a removed node.
    const rows = [...ui.fileList.children];
    const next = rows[rows.indexOf(item.row) + 1] || rows[rows.indexOf(item.row) - 1];
    dropFile(item);
    const target = next ? next.querySelector("button") : ui.fileInput;
    target.focus();
    announce(fill(t.fileRemoved, { name: item.file.name }));
  }

  // The files kept by a session that has just been replaced, sent again to the new one.
  function resendFiles() {
    filesDiscarded = false;
    const kept = attachments.filter((item) => item.status === "kept");
    for (const item of kept) {
      item.status = "uploading";
      item.statusNode.textContent = t.fileUploading;
    }
    return Promise.all(kept.map((item) => upload(item, true)));
  }

  function uploadsPending() {
    return attachments.some((item) => item.status === "uploading");
  }
