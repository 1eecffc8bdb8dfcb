// What the portal's pages share: the page's messages, calls to the portal's API and to the
// page library, and showing a result with stable ids and data attributes (data-status
// "idle" | "pending" | "ok" | "error", data-code for an error's code) that tests can wait on.

const messages = JSON.parse(document.getElementById("page-messages").textContent);

/** The page's language, as the server chose it. */
export const lang = document.documentElement.lang === "en" ? "en" : "ja";

/** @param {string} key @returns {string} */
export function t(key) {
  return Object.hasOwn(messages, key) ? messages[key] : key;
}

/**
 * An error in the shape the extension and the portal's API both use.
 * @typedef {{code: string, message?: string, ja?: string, en?: string}} PortalError
 */

/** @returns {PortalError} */
function pageError(code, cause) {
  return { code, message: cause === undefined ? "" : String(cause) };
}

/** The page library, loaded only when needed so the page still works without it. */
export async function loadBridge() {
  try {
    return await import("/jpki-bridge.js");
  } catch (cause) {
    throw pageError("page-library-missing", cause);
  }
}

/**
 * GET (no body) or POST a JSON body to the portal; resolves to the JSON answer, rejects with
 * the portal's {code, message, ja, en}.
 * @param {string} path
 * @param {unknown} [body]
 */
export async function api(path, body) {
  /** @type {RequestInit} */
  const init = { credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    init.method = "POST";
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw pageError("network", cause);
  }
  let answer;
  try {
    answer = await response.json();
  } catch (cause) {
    throw pageError("unexpected", `HTTP ${response.status}: ${cause}`);
  }
  if (!response.ok) {
    throw answer;
  }
  return answer;
}

/** Standard base64 of bytes. @param {ArrayBuffer} buffer */
export function base64(buffer) {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

/** The code of any rejection; "unexpected" for one without. */
export function errorCode(error) {
  return typeof error?.code === "string" && error.code !== "" ? error.code : "unexpected";
}

/** What to tell the user: the error's own text in the page's language when it has one. */
export function errorText(error) {
  if (typeof error?.[lang] === "string" && error[lang] !== "") {
    return error[lang];
  }
  const key = `error.${errorCode(error)}`;
  return Object.hasOwn(messages, key) ? messages[key] : t("error.unexpected");
}

/**
 * One result section of a page: `${prefix}-result`, with `${prefix}-result-title`,
 * `${prefix}-error`, `${prefix}-error-detail`, `${prefix}-error-message` and
 * `${prefix}-details` inside.
 */
export class ResultView {
  /** @param {string} prefix */
  constructor(prefix) {
    const get = (suffix) => /** @type {HTMLElement} */ (document.getElementById(`${prefix}-${suffix}`));
    this.section = get("result");
    this.title = get("result-title");
    this.error = get("error");
    this.errorDetail = get("error-detail");
    this.errorMessage = get("error-message");
    this.details = get("details");
  }

  /** @param {string} status @param {string} code @param {string} title */
  #show(status, code, title) {
    this.section.hidden = false;
    this.section.dataset.status = status;
    this.section.dataset.code = code;
    this.title.textContent = title;
    this.error.hidden = true;
    this.errorDetail.hidden = true;
    this.details.hidden = true;
  }

  pending(title) {
    this.#show("pending", "", title);
  }

  ok(title) {
    this.#show("ok", "", title);
    this.details.hidden = false;
  }

  failed(title, error) {
    const code = errorCode(error);
    this.#show("error", code, title);
    this.error.textContent = errorText(error);
    this.error.hidden = false;
    const detail = typeof error?.message === "string" ? error.message : "";
    this.errorMessage.textContent = `${code}${detail ? `: ${detail}` : ""}`;
    this.errorDetail.hidden = false;
    console.warn("jpki demo portal:", error);
  }
}

/**
 * The checks the server reports ({"origin": "ok", ...}) as list items with data-check and
 * data-result.
 * @param {HTMLElement} list @param {Record<string, string>} checks
 */
export function showChecks(list, checks) {
  list.replaceChildren(
    ...Object.entries(checks).map(([name, result]) => {
      const item = document.createElement("li");
      item.dataset.check = name;
      item.dataset.result = result;
      item.textContent = `${t(`check.${name}`)}: ${result === "ok" ? t("check.ok") : result}`;
      return item;
    }),
  );
}

/** Fills `#session-subject` (and shows `#session-info`) from /api/session. */
export async function showSession() {
  const info = document.getElementById("session-info");
  let session;
  try {
    session = await api("/api/session");
  } catch {
    session = { loggedIn: false };
  }
  info.hidden = !session.loggedIn;
  info.dataset.loggedIn = String(Boolean(session.loggedIn));
  document.getElementById("session-subject").textContent = session.loggedIn ? session.subject : "";
  return session;
}
