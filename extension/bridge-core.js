/**
 * The background's logic, free of browser globals so that node can test it with fakes of the
 * runtime and Port APIs. `background.js` wires it to the real browser.
 *
 * One request = one run of the native host (docs/protocol.md): connect, wait for the
 * `{"version"}` frame, write `{command, arguments}`, read one reply, disconnect.
 *
 * The origin sent to the host always comes from the browser's sender information; whatever
 * origin the page put in its message is dropped.
 */

import { createBackOff } from "./backoff.js";
import { createPortalService, PORTAL_PORT } from "./mynaportal.js";
import { normalizeSettings } from "./settings.js";

export const HOST_NAME = "jp.jpki_bridge";
/** The host's major version this extension speaks to (semver major of `{"version"}`). */
export const EXPECTED_HOST_MAJOR = 0;

/**
 * The origin the background gives for its own `status` calls (popup). The host accepts only
 * https origins; `.invalid` (RFC 6761) can never belong to a real site, and `status` asks no PIN
 * and shows no dialog, so no user ever sees this name.
 */
export const EXTENSION_PSEUDO_ORIGIN = "https://extension.jpki-bridge.invalid";

/** runtime.connect port names. */
export const PAGE_PORT = "jpki-bridge-page";
export const EXTENSION_STATUS_PORT = "jpki-bridge-extension-status";

/** Commands a page may send (the host's `quit` is not one of them). */
export const PAGE_COMMANDS = Object.freeze([
  "status",
  "authenticate",
  "get-signing-certificate",
  "sign",
  "sign-cms",
  "read-attributes",
]);

/**
 * @typedef {object} Timeouts
 * @property {number} handshakeMs from connecting to the host's `{"version"}` frame
 * @property {number} statusMs for the reply to `status`
 * @property {number} interactiveMs for the reply to any command that may show a dialog
 */

/**
 * How long to wait. The interactive limit covers a PIN dialog and the host's own
 * "place your card" wait (60 s by default); `status` never shows a dialog.
 * @type {Readonly<Timeouts>}
 */
export const DEFAULT_TIMEOUTS = Object.freeze({
  handshakeMs: 5_000,
  statusMs: 30_000,
  interactiveMs: 300_000,
});

/** Error codes the extension itself produces (the host's own codes pass through). */
export const EXTENSION_ERROR_CODES = Object.freeze([
  "host-missing",
  "host-disconnected",
  "version-mismatch",
  "user-cancelled",
  "host-timeout",
  "busy",
  "insecure-origin",
  "user-action-required",
  "not-active-tab",
  "retry-later",
  "unknown-command",
  "invalid-request",
  "internal-error",
]);

/** How long after a successful dialog the same page may take its next step without a new click. */
export const FOLLOW_UP_MS = 30_000;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The hosts the native host accepts in an origin (docs/protocol.md, "Requests"): labels of
 * lower-case letters, digits, `-` and `_` between single dots, at most one trailing dot. IPv6
 * literals and IPv4 addresses need no pattern: an origin equal to its own `URL.origin` already
 * has them in the one form the host accepts. `tests/bridge/origins.txt` holds the cases both
 * sides are tested with.
 */
const ORIGIN_HOST = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$/;
const ORIGIN_MAX_LENGTH = 255;

/**
 * @typedef {object} ErrorDetail
 * @property {string} code
 * @property {string} message English detail for developers
 * @property {string} ja what happened and what to do, in Japanese
 * @property {string} en the same in English
 * @property {number} [triesLeft]
 * @property {number} [retryAfterSeconds] with `retry-later`: when the site may ask again
 */

/**
 * @typedef {{result: unknown} | {error: ErrorDetail}} Response
 *   what the background answers a page (through the content script)
 */

/**
 * @typedef {object} SenderInfo the parts of runtime.MessageSender that matter here
 * @property {string} [id]
 * @property {string} [url]
 * @property {string} [origin]
 * @property {{id?: number}} [tab]
 * @property {number} [frameId]
 */

/**
 * @template T
 * @typedef {object} BrowserEvent
 * @property {(listener: T) => void} addListener
 */

/**
 * @typedef {object} PortLike the parts of runtime.Port used here
 * @property {string} name
 * @property {SenderInfo} [sender]
 * @property {{message?: string} | null} [error] Firefox reports the reason here
 * @property {(message: unknown) => void} postMessage
 * @property {() => void} disconnect
 * @property {BrowserEvent<(message: any, port: PortLike) => void>} onMessage
 * @property {BrowserEvent<(port: PortLike) => void>} onDisconnect
 */

/**
 * @typedef {object} TextCatalogs the parsed `_locales/{ja,en}/messages.json`
 * @property {Record<string, {message: string}>} ja
 * @property {Record<string, {message: string}>} en
 */

/**
 * @typedef {object} BridgeEnvironment
 * @property {(name: string) => PortLike} connectNative
 * @property {() => string | undefined} [lastErrorMessage] runtime.lastError's message
 * @property {() => Promise<unknown>} loadSettings what storage.local holds
 * @property {() => Promise<TextCatalogs>} loadTexts
 * @property {string} extensionId runtime.id
 * @property {string} extensionBaseUrl runtime.getURL("")
 * @property {Partial<Timeouts>} [timeouts]
 * @property {import("./mynaportal.js").PortalDependencies["cache"]} [portalOriginsCache]
 * @property {(tabId: number) => Promise<{active: boolean, focused: boolean}>} tabState whether
 *   the tab is its window's selected tab and the window has the focus
 * @property {() => number} [now] milliseconds, as Date.now (tests pass a clock)
 */

/** A failure with a stable code; `detail` is the English text for developers. */
export class BridgeFailure extends Error {
  /**
   * @param {string} code
   * @param {string} detail
   * @param {{hostVersion?: string, retryAfterSeconds?: number}} [extra]
   */
  constructor(code, detail, extra = {}) {
    super(detail);
    this.name = "BridgeFailure";
    this.code = code;
    this.hostVersion = extra.hostVersion;
    this.retryAfterSeconds = extra.retryAfterSeconds;
  }
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isRecord(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The origin of the frame that sent a message, as the browser reports it: `sender.origin`
 * (Chromium; Firefox from 126, below the manifest's minimum version). Without it, null, and the
 * request is refused: the frame's URL is not its origin (a sandboxed document has the URL of its
 * site and an opaque origin).
 * @param {SenderInfo | undefined} sender
 * @returns {string | null}
 */
export function originOfSender(sender) {
  if (sender === undefined || typeof sender.origin !== "string" || sender.origin === "") return null;
  return sender.origin;
}

/**
 * Whether pages of this origin may use the bridge: exactly the origins the native host accepts
 * (`tests/bridge/origins.txt`), https always, loopback http only with the development switch
 * on. Opaque origins ("null"), file:, extension pages, every other http site and hosts the
 * native host would refuse as malformed are refused.
 * @param {string | null} origin
 * @param {{allowHttpLoopback: boolean}} settings
 */
export function isOriginAllowed(origin, settings) {
  if (origin === null || origin.length > ORIGIN_MAX_LENGTH) return false;
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  if (!url.hostname.startsWith("[") && !ORIGIN_HOST.test(url.hostname)) return false;
  if (url.port === "0") return false; // no site is served there; the host refuses it
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && settings.allowHttpLoopback && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The host's arguments for a page request: the page's arguments without any `origin` it put
 * there, plus the origin the browser reported. Everything else is the host's to validate.
 * @param {unknown} pageArguments
 * @param {string} origin
 * @returns {Record<string, unknown>}
 */
export function hostArguments(pageArguments, origin) {
  if (pageArguments === undefined || pageArguments === null) pageArguments = {};
  if (!isRecord(pageArguments)) {
    throw new BridgeFailure("invalid-request", "arguments must be a JSON object");
  }
  /** @type {Record<string, unknown>} */
  const args = {};
  for (const [key, value] of Object.entries(pageArguments)) {
    if (key !== "origin") args[key] = value;
  }
  args.origin = origin;
  return args;
}

/**
 * The semver major of the host's first frame, or null when it carries no version.
 * @param {unknown} frame
 */
export function hostMajorVersion(frame) {
  if (!isRecord(frame) || typeof frame.version !== "string") return null;
  const match = /^(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(frame.version);
  return match === null ? null : Number(match[1]);
}

/**
 * @param {string} command
 * @param {Timeouts} timeouts
 */
export function replyTimeoutFor(command, timeouts) {
  return command === "status" ? timeouts.statusMs : timeouts.interactiveMs;
}

/**
 * Turns the host's reply into a page response. The host's error codes pass through, with
 * its texts; its `cancelled` (the user closed a dialog) becomes `user-cancelled`.
 * @param {unknown} reply
 * @returns {{result: unknown} | {error: Omit<ErrorDetail, "ja" | "en"> & {ja?: string, en?: string}}}
 */
export function mapHostReply(reply) {
  if (!isRecord(reply)) {
    return { error: { code: "internal-error", message: "the host's reply is not a JSON object" } };
  }
  if (!("error" in reply)) return { result: reply };
  const hostError = reply.error;
  if (!isRecord(hostError) || typeof hostError.code !== "string" || hostError.code === "") {
    return { error: { code: "internal-error", message: "the host's error has no code" } };
  }
  /** @type {Omit<ErrorDetail, "ja" | "en"> & {ja?: string, en?: string}} */
  const error = {
    code: hostError.code === "cancelled" ? "user-cancelled" : hostError.code,
    message: typeof hostError.message === "string" ? hostError.message : "",
  };
  if (typeof hostError.ja === "string" && hostError.ja !== "") error.ja = hostError.ja;
  if (typeof hostError.en === "string" && hostError.en !== "") error.en = hostError.en;
  if (Number.isInteger(hostError.triesLeft)) error.triesLeft = /** @type {number} */ (hostError.triesLeft);
  return { error };
}

/** The host's errors of `status` that mean only "no card here": the host itself answered. */
const NO_CARD_CODES = new Set(["no-card", "no-reader", "no-service"]);

/**
 * What a page learns from `status`: only that the extension and the host are there and, when
 * the person just clicked or pressed a key in the page, whether a card is in a reader. The
 * readers' names, the tries left, which certificates the card holds and their dates (the
 * expiry is the holder's birthday) stay in the popup.
 * @param {ReturnType<typeof mapHostReply>} mapped the host's `status` reply
 * @param {boolean} userActivation
 * @returns {ReturnType<typeof mapHostReply>}
 */
export function pageStatus(mapped, userActivation) {
  if ("error" in mapped && !NO_CARD_CODES.has(mapped.error.code)) return mapped;
  if (!userActivation) return { result: { hostPresent: true } };
  if ("error" in mapped && mapped.error.code !== "no-card") return mapped;
  return { result: { hostPresent: true, cardPresent: !("error" in mapped) } };
}

/**
 * The `_locales` key of an error code's text: `error_` + the code with `-` as `_`.
 * @param {string} code
 */
export function errorMessageKey(code) {
  return `error_${code.replaceAll("-", "_")}`;
}

/**
 * The Japanese and English texts of an error code from the extension's own catalogues, or the
 * generic text for a code they do not know.
 * @param {TextCatalogs} texts
 * @param {string} code
 * @returns {{ja: string, en: string}}
 */
export function errorTexts(texts, code) {
  const key = errorMessageKey(code);
  const ja = texts.ja[key]?.message ?? texts.ja.error_unknown?.message ?? code;
  const en = texts.en[key]?.message ?? texts.en.error_unknown?.message ?? code;
  return { ja, en };
}

/**
 * @typedef {object} HostOutcome
 * @property {string} hostVersion
 * @property {unknown} reply
 */

/**
 * Runs one command through one run of the native host. The port is disconnected once the
 * outcome is known (reply, failure, timeout or cancel): the host then closes any dialog and exits.
 * @param {BridgeEnvironment} env
 * @param {Timeouts} timeouts
 * @param {{command: string, arguments: Record<string, unknown>}} request
 * @param {AbortSignal} [signal] aborts when nobody waits for the answer any more
 * @returns {Promise<HostOutcome>}
 */
export function runHostCommand(env, timeouts, request, signal) {
  return new Promise((resolve, reject) => {
    /** @type {PortLike | undefined} */
    let port;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    /** @type {string | undefined} */
    let hostVersion;
    let settled = false;

    /** @param {(() => void)} settle */
    const finish = (settle) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      try {
        port?.disconnect();
      } catch {
        // Already gone: nothing to close.
      }
      settle();
    };
    /**
     * @param {string} code
     * @param {string} detail
     */
    const fail = (code, detail) =>
      finish(() => reject(new BridgeFailure(code, detail, { hostVersion })));
    const onAbort = () => fail("user-cancelled", "the page went away before the host answered");

    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort);
    try {
      port = env.connectNative(HOST_NAME);
    } catch (e) {
      fail("host-missing", `connectNative(${HOST_NAME}) failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const connected = port;
    connected.onMessage.addListener((message) => {
      if (settled) return;
      if (hostVersion === undefined) {
        clearTimeout(timer);
        const major = hostMajorVersion(message);
        if (major === null) {
          fail("version-mismatch", "the host's first message carries no version");
          return;
        }
        hostVersion = /** @type {{version: string}} */ (message).version;
        if (major !== EXPECTED_HOST_MAJOR) {
          fail("version-mismatch", `host ${hostVersion}; this extension speaks to ${EXPECTED_HOST_MAJOR}.x`);
          return;
        }
        try {
          connected.postMessage(request);
        } catch (e) {
          fail("host-disconnected", `could not write to the host: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        timer = setTimeout(
          () => fail("host-timeout", `no answer from the host within ${Math.round(replyTimeoutFor(request.command, timeouts) / 1000)} s`),
          replyTimeoutFor(request.command, timeouts),
        );
        return;
      }
      const version = hostVersion;
      finish(() => resolve({ hostVersion: version, reply: message }));
    });
    connected.onDisconnect.addListener((p) => {
      // Reading lastError also keeps Chromium from logging it as unchecked.
      const reason = p?.error?.message ?? env.lastErrorMessage?.() ?? "";
      const suffix = reason === "" ? "" : `: ${reason}`;
      if (hostVersion === undefined) {
        fail("host-missing", `the native host ${HOST_NAME} did not start${suffix}`);
      } else {
        fail("host-disconnected", `the host stopped without answering${suffix}`);
      }
    });
    timer = setTimeout(
      () => fail("host-missing", `no version from the native host within ${Math.round(timeouts.handshakeMs / 1000)} s`),
      timeouts.handshakeMs,
    );
  });
}

/**
 * The background: accepts ports from the content script and from the extension's own pages,
 * runs each request through the host, answers once and disconnects.
 * @param {BridgeEnvironment} env
 */
export function createBridge(env) {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...env.timeouts };
  /** Keys (`tab:<id>`, `extension`) with a request under way. */
  const pending = new Set();
  const now = env.now ?? Date.now;
  const backOff = createBackOff(now);
  /**
   * `<tab> <origin>` → until when a request of that page counts as the person's without a new
   * click: the next step of what the person just did in a dialog (the signing certificate, then
   * the signature), however long they took to type the PIN.
   * @type {Map<string, number>}
   */
  const followUps = new Map();
  /** @type {Promise<TextCatalogs> | undefined} */
  let textsLoading;

  const texts = () => {
    textsLoading ??= env.loadTexts().catch((e) => {
      textsLoading = undefined;
      throw e;
    });
    return textsLoading;
  };

  /**
   * Completes an error with Japanese and English texts where it has none.
   * @param {Omit<ErrorDetail, "ja" | "en"> & {ja?: string, en?: string}} error
   * @returns {Promise<ErrorDetail>}
   */
  const withTexts = async (error) => {
    if (error.ja !== undefined && error.en !== undefined) return /** @type {ErrorDetail} */ (error);
    let fallback = { ja: error.code, en: error.code };
    try {
      fallback = errorTexts(await texts(), error.code);
    } catch {
      // Without the catalogues the code and the English detail still tell what happened.
    }
    return { ...error, ja: error.ja ?? fallback.ja, en: error.en ?? fallback.en };
  };

  /**
   * @param {unknown} e
   * @returns {Promise<{error: ErrorDetail}>}
   */
  const failureResponse = async (e) => {
    const failure =
      e instanceof BridgeFailure ? e : new BridgeFailure("internal-error", e instanceof Error ? e.message : String(e));
    /** @type {Omit<ErrorDetail, "ja" | "en">} */
    const error = { code: failure.code, message: failure.message };
    if (failure.retryAfterSeconds !== undefined) error.retryAfterSeconds = failure.retryAfterSeconds;
    return { error: await withTexts(error) };
  };

  /**
   * Refuses a page request that does not come from the page the person is looking at: a frame
   * other than the top one, a tab in the background or in a window without the focus.
   * @param {SenderInfo} sender
   * @param {number} tabId
   */
  const checkPersonLooks = async (sender, tabId) => {
    if (sender.frameId !== 0) {
      throw new BridgeFailure("not-active-tab", "only the tab's top frame may use the bridge, not a frame inside it");
    }
    let state;
    try {
      state = await env.tabState(tabId);
    } catch (e) {
      throw new BridgeFailure("not-active-tab", `the tab is gone: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!state.active || !state.focused) {
      throw new BridgeFailure("not-active-tab", "only the selected tab of the focused window may use the bridge");
    }
  };

  /**
   * Runs `work` unless `key` already has a request under way.
   * @template T
   * @param {string} key
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  const exclusive = async (key, work) => {
    if (pending.has(key)) {
      throw new BridgeFailure(
        "busy",
        key === "dialog" ? "a dialog of another tab or site is open" : "another request from this tab is still waiting for the host",
      );
    }
    pending.add(key);
    try {
      return await work();
    } finally {
      pending.delete(key);
    }
  };

  /**
   * Runs one host command that may open a dialog for a page: only right after the person's click
   * or key in that page (or as the next step of a success of the same tab and origin), one dialog
   * in the whole browser, and not while the origin waits after a cancel or a wrong PIN. How it
   * ended (the mapped reply) starts or ends the origin's wait and its follow-up time. Both page
   * protocols go through here: ours (handlePageRequest) and the portals' (mynaportal.js).
   * @template {{result: unknown} | {error: {code: string}}} R
   * @param {{tabId: number, origin: string, userActivation: boolean, command: string}} page
   * @param {() => Promise<R>} run the host command, its reply mapped
   * @returns {Promise<R>}
   */
  const withDialog = async (page, run) => {
    const followUp = `${page.tabId} ${page.origin}`;
    if (!page.userActivation && (followUps.get(followUp) ?? 0) <= now()) {
      throw new BridgeFailure("user-action-required", `${page.command} needs the person's action (a click or a key) in the page just before`);
    }
    // One dialog at a time in the whole browser: never one site's over another's.
    return exclusive("dialog", async () => {
      const waitMs = backOff.remainingMs(page.origin);
      if (waitMs > 0) {
        throw new BridgeFailure("retry-later", `${page.origin} must wait after a cancelled dialog or a wrong PIN`, {
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        });
      }
      let mapped;
      try {
        mapped = await run();
      } catch (e) {
        if (e instanceof BridgeFailure) backOff.record(page.origin, e.code);
        throw e;
      }
      backOff.record(page.origin, "error" in mapped ? mapped.error.code : null);
      if ("error" in mapped) followUps.delete(followUp);
      else followUps.set(followUp, now() + FOLLOW_UP_MS);
      return mapped;
    });
  };

  /**
   * A page's request, forwarded by the content script.
   * @param {SenderInfo | undefined} sender the browser's description of the content script's frame
   * @param {unknown} message `{command, arguments}`
   * @param {AbortSignal} [signal]
   * @returns {Promise<Response>}
   */
  const handlePageRequest = async (sender, message, signal) => {
    try {
      const tabId = sender?.tab?.id;
      if (sender?.id !== env.extensionId || typeof tabId !== "number") {
        throw new BridgeFailure("invalid-request", "page requests come only from this extension's content script");
      }
      if (!isRecord(message) || typeof message.command !== "string") {
        throw new BridgeFailure("invalid-request", "a request is {command, arguments}");
      }
      const command = message.command;
      if (!PAGE_COMMANDS.includes(command)) {
        throw new BridgeFailure("unknown-command", `unknown command "${command}"`);
      }
      await checkPersonLooks(/** @type {SenderInfo} */ (sender), tabId);
      return await exclusive(`tab:${tabId}`, async () => {
        const origin = originOfSender(sender);
        const settings = normalizeSettings(await env.loadSettings());
        if (!isOriginAllowed(origin, settings)) {
          throw new BridgeFailure("insecure-origin", `pages of ${origin ?? "this origin"} may not use the bridge (https only)`);
        }
        const allowedOrigin = /** @type {string} */ (origin);
        const request = { command, arguments: hostArguments(message.arguments, allowedOrigin) };
        if (command === "status") {
          const reply = (await runHostCommand(env, timeouts, request, signal)).reply;
          const mapped = pageStatus(mapHostReply(reply), message.userActivation === true);
          return "error" in mapped ? { error: await withTexts(mapped.error) } : mapped;
        }
        // Anything that may open a dialog needs the page's transient user activation (a click or a
        // key press moments before), which the content script read, or must follow a success.
        const page = { tabId, origin: allowedOrigin, userActivation: message.userActivation === true, command };
        const mapped = await withDialog(page, async () =>
          mapHostReply((await runHostCommand(env, timeouts, request, signal)).reply),
        );
        return "error" in mapped ? { error: await withTexts(mapped.error) } : mapped;
      });
    } catch (e) {
      return failureResponse(e);
    }
  };

  /**
   * The popup's `status`, under the extension's pseudo-origin. The answer also carries the
   * host's version when the host started, so the popup can show it (even on a mismatch).
   * @param {SenderInfo | undefined} sender
   * @param {AbortSignal} [signal]
   * @returns {Promise<Response & {hostVersion?: string}>}
   */
  const handleExtensionStatus = async (sender, signal) => {
    let hostVersion;
    try {
      if (sender?.id !== env.extensionId || typeof sender.url !== "string" || !sender.url.startsWith(env.extensionBaseUrl)) {
        throw new BridgeFailure("invalid-request", "the extension's status is for its own pages only");
      }
      return await exclusive("extension", async () => {
        const request = { command: "status", arguments: { origin: EXTENSION_PSEUDO_ORIGIN } };
        const outcome = await runHostCommand(env, timeouts, request, signal);
        hostVersion = outcome.hostVersion;
        const mapped = mapHostReply(outcome.reply);
        return "error" in mapped ? { hostVersion, error: await withTexts(mapped.error) } : { hostVersion, ...mapped };
      });
    } catch (e) {
      if (e instanceof BridgeFailure && e.hostVersion !== undefined) hostVersion = e.hostVersion;
      const response = await failureResponse(e);
      return hostVersion === undefined ? response : { hostVersion, ...response };
    }
  };

  const portal = createPortalService({
    extensionId: env.extensionId,
    originOf: originOfSender,
    runCommand: async (request, signal) => (await runHostCommand(env, timeouts, request, signal)).reply,
    mapReply: mapHostReply,
    exclusive,
    checkPersonLooks,
    withDialog,
    cache: env.portalOriginsCache,
  });

  /**
   * runtime.onConnect: one port, one request, one answer, then the port is closed. When the
   * other side goes away first (the tab closed or navigated), the host is stopped, which closes
   * its dialog.
   * @param {PortLike} port
   */
  const acceptPort = (port) => {
    /** @type {(sender: SenderInfo | undefined, message: unknown, signal: AbortSignal) => Promise<unknown>} */
    let handler;
    if (port.name === PAGE_PORT) {
      handler = handlePageRequest;
    } else if (port.name === EXTENSION_STATUS_PORT) {
      handler = (sender, _message, signal) => handleExtensionStatus(sender, signal);
    } else if (port.name === PORTAL_PORT) {
      handler = portal.handle;
    } else {
      port.disconnect();
      return;
    }
    const gone = new AbortController();
    let answered = false;
    port.onDisconnect.addListener(() => {
      if (!answered) gone.abort();
    });
    let received = false;
    port.onMessage.addListener((message) => {
      if (received) return;
      received = true;
      void handler(port.sender, message, gone.signal).then((response) => {
        answered = true;
        if (gone.signal.aborted) return;
        try {
          port.postMessage(response);
          port.disconnect();
        } catch {
          // The other side left in the meantime.
        }
      });
    });
  };

  return {
    acceptPort,
    handlePageRequest,
    handleExtensionStatus,
    portal,
    /** @param {string} key */
    isBusy: (key) => pending.has(key),
  };
}
