  // Part of insights.js, inside the closure that insights/head.js opens; order: api/web/dashboard.py.

  /* ---------- the API ---------- */

  class ApiError extends Error {
    constructor(status, detail, what) {
      super(`HTTP ${status}`);
      this.status = status;
      this.detail = detail;
      this.what = what;
    }

    get isAuth() {
      return this.status === 401 || this.status === 403;
    }
  }

  class Unreachable extends Error {}

  async function apiFetch(path, params, key, what, signal) {
    const url = new URL(API + path, window.location.origin);
    for (const [name, value] of Object.entries(params || {})) {
      if (value) url.searchParams.set(name, value);
    }
    let response;
    try {
      response = await fetch(url, { headers: { "X-API-Key": key }, signal, cache: "no-store" });
    } catch (error) {
      if (error && error.name === "AbortError") throw error;
      throw new Unreachable(String(error));
    }
    if (!response.ok) {
      let detail = response.statusText || "";
      try {
        const body = await response.json();
        if (body && body.detail != null) {
          detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
        }
      } catch (ignored) {
        // Not JSON: the status text says enough.
      }
      throw new ApiError(response.status, detail, what);
    }
    return response;
  }

  async function apiJson(path, params, key, what, signal) {
    const response = await apiFetch(path, params, key, what, signal);
    return response.json();
  }

  function describe(error) {
    if (error instanceof ApiError) {
      if (error.isAuth) return fmt(T.errorNotAdmin, { status: error.status });
      return fmt(T.errorHttp, { status: error.status, what: T[error.what] || error.what, detail: error.detail });
    }
    if (error instanceof Unreachable) return T.errorUnreachable;
    return String((error && error.message) || error);
  }
