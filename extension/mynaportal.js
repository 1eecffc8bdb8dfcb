/**
 * The government portals' own page protocol (the "マイナポータルAP" protocol, docs/mynaportal.md)
 * as an adapter over the background core: the page's `launchApp` JSON becomes one of the host's
 * `portal-*` commands, and the host's reply becomes the JSON the page expects in `recvMsg`.
 *
 * Only the origins the native host lists (`portal-origins`: the shipped government origins and
 * those added in host.conf) are served, and only to the top frame; the origin is the browser's,
 * never the page's. The host checks the origin again before any dialog or card. A request that
 * needs the host passes the same gate as the page library's (bridge-core.js): the selected tab
 * of the focused window, the person's click or key just before (or the next step of a success),
 * one dialog in the whole browser, and the origin's wait after a cancel or a wrong PIN.
 */

/** The runtime.connect port name of mynaportal-content.js. */
export const PORTAL_PORT = "jpki-bridge-portal";

/** What the page gets, in its own request, when the request ended before the card was used. */
export const FAILED_BEFORE_CARD = "EW044-C300";

/** The content script that presents the browser as Windows (mynaportal-platform.js). */
export const PLATFORM_SCRIPT_ID = "jpki-bridge-portal-platform";

/**
 * Failures where nothing reached the card: the host did not answer, refused the request, or
 * the user closed a dialog. The page gets its own request back with FAILED_BEFORE_CARD.
 */
const BEFORE_CARD_CODES = new Set([
  "host-missing",
  "host-disconnected",
  "version-mismatch",
  "timeout",
  "busy",
  "user-cancelled",
  "invalid-request",
  "unknown-command",
  "request-too-large",
  "not-a-portal-origin",
  "origin-not-allowed",
  "internal-error",
  "not-active-tab",
  "user-action-required",
  "retry-later",
]);

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isRecord(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The page's request, parsed from the `launchApp` detail (a JSON string), or null when it is
 * not a JSON object.
 * @param {unknown} detail
 * @returns {Record<string, unknown> | null}
 */
export function parsePortalRequest(detail) {
  if (typeof detail !== "string") return null;
  try {
    const request = JSON.parse(detail);
    return isRecord(request) ? request : null;
  } catch {
    return null;
  }
}

/**
 * The host command for a page request; null for mode 05 (close), which needs no host; a
 * request the protocol does not define is an `invalid-request` failure.
 * @param {Record<string, unknown>} request
 * @returns {{command: string, arguments: Record<string, unknown>} | null}
 */
export function hostCommandFor(request) {
  const digest = request.digest;
  switch (request.mode) {
    case "01":
      if (typeof digest !== "string") throw new PortalFailure("invalid-request", "mode 01 needs a base64 digest");
      return { command: "portal-login", arguments: { toBeSigned: digest } };
    case "02":
      if (typeof digest !== "string" && !Array.isArray(digest)) {
        throw new PortalFailure("invalid-request", "mode 02 needs a digest or an array of digests");
      }
      return { command: "portal-sign", arguments: { digests: Array.isArray(digest) ? digest : [digest] } };
    case "04":
      return { command: "portal-attributes", arguments: {} };
    case "05":
      return null;
    default:
      throw new PortalFailure("invalid-request", `mode ${JSON.stringify(request.mode)} is not one this bridge serves`);
  }
}

/** A failure of a portal request with the bridge's error code. */
export class PortalFailure extends Error {
  /**
   * @param {string} code
   * @param {string} detail
   */
  constructor(code, detail) {
    super(detail);
    this.name = "PortalFailure";
    this.code = code;
  }
}

/**
 * Base64 without its `=` padding, as the protocol sends certificates.
 * @param {unknown} text
 */
function unpadded(text) {
  return typeof text === "string" ? text.replace(/=+$/, "") : text;
}

/**
 * The page's reply for a successful host reply.
 * @param {Record<string, unknown>} request
 * @param {Record<string, unknown>} result the host's reply
 * @returns {Record<string, unknown>}
 */
export function portalSuccess(request, result) {
  const identity = { uuid: result.uuid, combination_code: result.combinationCode };
  switch (request.mode) {
    case "01":
      return { mode: "01", result: "0", ...identity, signature: result.signature, certificate: unpadded(result.certificate) };
    case "02":
      return { mode: "02", result: "0", ...identity, signature: result.signatures, certificate: unpadded(result.certificate) };
    case "04":
      return {
        mode: "04",
        result: "0",
        uuid: result.uuid,
        name: result.name,
        sex: result.sex,
        address: result.address,
        birthday: result.birthday,
        combination_code: result.combinationCode,
      };
    default:
      return { mode: request.mode, result: "0" };
  }
}

/**
 * The page's reply for a failure: its own request with FAILED_BEFORE_CARD when nothing reached
 * the card, else the protocol's `{mode, result: "1", message}` with the Japanese text of the
 * bridge's error (the portals are in Japanese) and what to do.
 * @param {Record<string, unknown>} request
 * @param {{code: string, ja?: string, message?: string}} error
 * @returns {Record<string, unknown>}
 */
export function portalFailure(request, error) {
  if (BEFORE_CARD_CODES.has(error.code)) return { ...request, result: "1", errcode: FAILED_BEFORE_CARD };
  return { mode: request.mode, result: "1", message: error.ja ?? error.message ?? error.code };
}

/**
 * The match pattern of an origin's pages. Match patterns take no port (Firefox refuses one), so
 * it covers every port of the host; the government origins have none.
 * @param {string} origin
 */
export function originPattern(origin) {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

/**
 * The registration of the MAIN-world script that presents the browser as Windows, for the
 * portal origins the user opted in to, or null when there is none.
 * @param {readonly string[]} optedIn the user's choice (settings.portalPlatformOrigins)
 * @param {readonly string[]} portalOrigins what the host serves
 */
export function platformScriptFor(optedIn, portalOrigins) {
  const origins = optedIn.filter((origin) => portalOrigins.includes(origin));
  if (origins.length === 0) return null;
  return {
    id: PLATFORM_SCRIPT_ID,
    matches: origins.map(originPattern),
    js: ["mynaportal-platform.js"],
    runAt: /** @type {const} */ ("document_start"),
    world: /** @type {const} */ ("MAIN"),
    allFrames: false,
  };
}

/**
 * @typedef {object} PortalSender the parts of runtime.MessageSender that matter here
 * @property {string} [id]
 * @property {string} [url]
 * @property {string} [origin]
 * @property {{id?: number}} [tab]
 * @property {number} [frameId]
 */

/**
 * @typedef {object} PortalDependencies what the background core lends the adapter
 * @property {string} extensionId
 * @property {(sender: PortalSender | undefined) => string | null} originOf
 * @property {(request: {command: string, arguments: Record<string, unknown>}, signal?: AbortSignal) => Promise<unknown>}
 *   runCommand one run of the host; resolves to its reply, rejects with a coded failure
 * @property {(reply: unknown) => {result: unknown} | {error: {code: string, message?: string, ja?: string}}} mapReply
 * @property {<T>(key: string, work: () => Promise<T>) => Promise<T>} exclusive one request a tab at a time
 * @property {(sender: PortalSender, tabId: number) => Promise<void>} checkPersonLooks rejects
 *   (not-active-tab) unless the sender is the top frame of the focused window's selected tab
 * @property {<R extends {result: unknown} | {error: {code: string}}>(page: {tabId: number, origin: string,
 *   userActivation: boolean, command: string}, run: () => Promise<R>) => Promise<R>} withDialog runs a
 *   command that may open a dialog under the user-activation, one-dialog and back-off rules
 * @property {{load: () => Promise<unknown>, save: (origins: string[]) => Promise<void>}} [cache] where the
 *   host's list is kept for the browser session (storage.session), so that a background woken
 *   again does not start the host for every page
 */

/**
 * The background's side of the protocol: answers mynaportal-content.js's `probe` (is this page
 * a portal?) and `launch` (one `launchApp`), each on a port of its own.
 * @param {PortalDependencies} deps
 */
export function createPortalService(deps) {
  /** @type {Promise<string[]> | undefined} */
  let originsLoading;

  /** Asks the host for its portal origins. */
  const askHost = async () => {
    const mapped = deps.mapReply(await deps.runCommand({ command: "portal-origins", arguments: {} }));
    const origins = "result" in mapped && isRecord(mapped.result) ? mapped.result.origins : undefined;
    if (!Array.isArray(origins)) throw new PortalFailure("internal-error", "portal-origins gave no list");
    const list = origins.filter((origin) => typeof origin === "string");
    await deps.cache?.save(list);
    return list;
  };

  /** The host's portal origins: kept for the session once asked; a failure is asked again next time. */
  const portalOrigins = () => {
    originsLoading ??= (async () => {
      const cached = await deps.cache?.load();
      if (Array.isArray(cached) && cached.every((origin) => typeof origin === "string")) return cached;
      return askHost();
    })().catch(() => {
      originsLoading = undefined;
      return [];
    });
    return originsLoading;
  };

  /**
   * @param {PortalSender | undefined} sender
   * @param {unknown} message `{kind: "probe"}` or `{kind: "launch", detail, userActivation}`
   * @param {AbortSignal} [signal]
   * @returns {Promise<{portal: boolean} | {detail: string} | {}>} `{}`: nothing for the page
   */
  const handle = async (sender, message, signal) => {
    const tabId = sender?.tab?.id;
    if (sender?.id !== deps.extensionId || typeof tabId !== "number" || sender.frameId !== 0 || !isRecord(message)) {
      return {};
    }
    const origin = deps.originOf(sender);
    const isPortal = origin !== null && (await portalOrigins()).includes(origin);
    if (message.kind === "probe") return { portal: isPortal };
    if (message.kind !== "launch" || !isPortal) return {};
    const request = parsePortalRequest(message.detail);
    if (request === null) return {};
    /** @param {Record<string, unknown>} reply */
    const answer = (reply) => ({ detail: JSON.stringify(reply) });
    try {
      const command = hostCommandFor(request);
      if (command === null) return answer({ mode: request.mode, result: "0" });
      await deps.checkPersonLooks(sender, tabId);
      const portalOrigin = /** @type {string} */ (origin);
      const page = { tabId, origin: portalOrigin, userActivation: message.userActivation === true, command: command.command };
      return await deps.exclusive(`tab:${tabId}`, async () => {
        const mapped = await deps.withDialog(page, async () =>
          deps.mapReply(
            await deps.runCommand({ command: command.command, arguments: { ...command.arguments, origin: portalOrigin } }, signal),
          ),
        );
        if ("error" in mapped) return answer(portalFailure(request, mapped.error));
        return answer(portalSuccess(request, isRecord(mapped.result) ? mapped.result : {}));
      });
    } catch (e) {
      const code = isRecord(e) && typeof e.code === "string" ? e.code : "internal-error";
      return answer(portalFailure(request, { code, message: e instanceof Error ? e.message : String(e) }));
    }
  };

  return { handle, portalOrigins };
}
