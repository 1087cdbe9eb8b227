  // Part of ticket-form.js, inside the closure that ticket-form/head.js opens; order: api/web/ticket_form.py.

  /* ---------- talking to the API ---------- */

  // One request within TIMEOUT_MS, the body read included (a server can stall after the headers).
  // Resolves to { ok, status, body } (body null when it is not JSON); rejects on a network failure,
  // on a timeout (name "TimeoutError") and when init.signal aborts it (name "AbortError").
  async function call(method, path, init = {}) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, TIMEOUT_MS);
    const outer = init.signal;
    const abort = () => controller.abort();
    if (outer) {
      if (outer.aborted) controller.abort();
      else outer.addEventListener("abort", abort, { once: true });
    }
    const headers = Object.assign({}, init.headers);
    let body = init.body;
    if (init.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    try {
      const response = await fetch(API_BASE + path, {
        method,
        headers,
        body,
        signal: controller.signal,
      });
      let data = null;
      if (response.status !== 204) {
        try {
          data = await response.json();
        } catch (error) {
          if (controller.signal.aborted) throw error;
        }
      }
      return { ok: response.ok, status: response.status, body: data };
    } catch (error) {
      if (timedOut) {
        const timeout = new Error("no answer within " + TIMEOUT_MS + " ms");
        timeout.name = "TimeoutError";
        throw timeout;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (outer) outer.removeEventListener("abort", abort);
    }
  }

  function withQuery(path, params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value != null && value !== "") search.set(name, value);
    }
    return path + "?" + search.toString();
  }

  // The customer's country, for the support calendar: the tag's, else the verified identity's.
  function customerCountry() {
    const code = COUNTRY || (session && session.identity && session.identity.country) || "";
    return /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : "";
  }

  function sessionHeaders() {
    const headers = { "X-Form-Session": session.session };
    if (session.identity && session.identity.token) headers["X-End-User-Token"] = session.identity.token;
    return headers;
  }

  // The form session: with the portal's token when the tag has one. A token the API refuses is
  // reported (the customer is told why) and the form goes on anonymous.
  async function openSession() {
    const body = { language };
    if (PORTAL_TOKEN) body.portal_token = PORTAL_TOKEN;
    let answer = await call("POST", "portal/sessions", { json: body });
    let rejected = null;
    if (PORTAL_TOKEN && answer.status >= 400 && answer.status < 500 && answer.status !== 429) {
      rejected = detailText(answer.body) || "HTTP " + answer.status;
      answer = await call("POST", "portal/sessions", { json: { language } });
    }
    if (!answer.ok || !answer.body || typeof answer.body.session !== "string") {
      throw new Error("POST portal/sessions answered HTTP " + answer.status);
    }
    return Object.assign({ identity: null }, answer.body, { rejected });
  }

  // Whether an answer says the form session is no longer good (forged or past its 24 h: a 422 on
  // the X-Form-Session header or the session parameter) or the signed-in identity expired (401).
  function sessionProblem(answer) {
    if (!answer) return false;
    if (answer.status === 401) return true;
    const refused = answer.status === 422 && answer.body && Array.isArray(answer.body.detail);
    const details = refused ? answer.body.detail : [];
    return details.some((detail) => {
      const loc = (detail && Array.isArray(detail.loc) && detail.loc) || [];
      return (loc[0] === "header" && loc[1] === "x-form-session") || (loc[0] === "query" && loc[1] === "session");
    });
  }

  // A new session (with the portal token again) in place of one that expired while the form was
  // open, or whose files include one the customer removed (the API keeps a session's files for its
  // ticket and has no way to take one back): nothing typed changes, the files still listed are sent
  // to the new session, and the suggestions are asked again for tokens of the new one. One at a time.
  let renewing = null;
  function renewSession() {
    if (!renewing) {
      renewing = (async () => {
        try {
          session = await openSession();
        } catch (error) {
          return false;
        }
        applyIdentity(session.identity);
        forgetSuggestions();
        await resendFiles();
        runSuggestions();
        return true;
      })().finally(() => {
        renewing = null;
      });
    }
    return renewing;
  }

  async function loadOptions() {
    const answer = await call("GET", withQuery("portal/form", { language }));
    if (!answer.ok || !answer.body || !Array.isArray(answer.body.products)) {
      throw new Error("GET portal/form answered HTTP " + answer.status);
    }
    return answer.body;
  }

  function fetchSuggestions(q, product, signal) {
    const path = withQuery("portal/suggestions", { q, language, product, session: session.session });
    return call("GET", path, { signal });
  }

  // "viewed" and "solved" of one suggestion, with the session it was made in (the article opens in
  // a new tab: this page stays, and so does the request).
  function markSuggestion(kind, token) {
    const headers = { "X-Form-Session": session.session };
    return call("POST", "portal/suggestions/" + kind, { headers, json: { token } });
  }

  function fetchPriority(impact, urgency, signal) {
    const path = withQuery("priority", { impact, urgency, language, country: customerCountry() });
    return call("GET", path, { signal });
  }

  function fetchNotices(product, signal) {
    return call("GET", withQuery("notices", { product, language }), { signal });
  }

  function postFile(file) {
    const headers = Object.assign(sessionHeaders(), {
      "Content-Type": fileType(file),
      "X-File-Name": encodeURIComponent(file.name),
    });
    return call("POST", "portal/files", { headers, body: file });
  }

  function deleteFile(id) {
    return call("DELETE", "portal/files/" + encodeURIComponent(id), { headers: sessionHeaders() });
  }

  function postTicket(body, idempotencyKey) {
    const headers = Object.assign(sessionHeaders(), { "Idempotency-Key": idempotencyKey });
    return call("POST", "portal/tickets", { headers, json: body });
  }
