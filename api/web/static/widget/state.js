  // Part of widget.js, inside the closure that widget/head.js opens; order: api/web/widget.py.

  /* ---------- persistence: the conversation survives page reloads ---------- */

  function freshState() {
    return { sender: newId(), started: false, open: false, messages: [] };
  }

  function loadState() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (saved && typeof saved.sender === "string" && Array.isArray(saved.messages)) {
        // Keep only well-formed entries: one bad record must not stop the whole transcript.
        saved.messages = saved.messages.filter(
          (m) => m && (m.from === "user" || m.from === "bot") && typeof m.text === "string" && Number.isFinite(m.at)
        );
        return saved;
      }
    } catch (error) {
      // Storage blocked or corrupt: start over rather than break the host page.
    }
    return freshState();
  }

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (error) {
      // Quota or privacy mode: the chat still works, it just won't survive a reload.
    }
  }

  let state = loadState();
