/**
 * jpki-bridge page library: lets a web portal use the My Number Card through the jpki-bridge
 * browser extension and its native host. Serve this file (and jpki-bridge.d.ts) from your
 * site; it needs no build step.
 *
 *   import { authenticate, JpkiBridgeError } from "./jpki-bridge.js";
 *   const token = await authenticate(nonceFromServer);   // a Web eID token (web-eid:1.0)
 *
 * The PIN is never typed into the page: the host asks for it in its own dialog, which names
 * your site's origin as the browser reports it. The origin bound into a login token is
 * therefore the page's real origin, whatever the page says.
 */

const PAGE_SOURCE = "jpki-bridge-page";
const EXTENSION_SOURCE = "jpki-bridge-extension";

/** How long to wait for the extension's answer to `ping` before reporting it missing. */
const DEFAULT_PING_TIMEOUT_MS = 1_000;
const PING_INTERVAL_MS = 100;
/**
 * A safety net in case the extension vanishes mid-request; the extension's own limits
 * (30 s for status, 5 min with a PIN dialog) end a request first.
 */
const DEFAULT_STATUS_TIMEOUT_MS = 40_000;
const DEFAULT_INTERACTIVE_TIMEOUT_MS = 330_000;

/** Texts for the codes this library produces itself (the extension and host send their own). */
const OWN_TEXTS = {
  "extension-missing": {
    ja: "ブラウザー拡張機能「jpki-bridge」が見つかりません。拡張機能をインストールして有効にし、ページを再読み込みしてください。",
    en: "The jpki-bridge browser extension was not found. Install and enable it, then reload the page.",
  },
  "extension-timeout": {
    ja: "拡張機能から応答がありませんでした。もう一度お試しください。",
    en: "The extension did not answer. Please try again.",
  },
  unknown: {
    ja: "エラーが発生しました。もう一度お試しください。",
    en: "Something went wrong. Please try again.",
  },
};

/** A failure with a stable `code` the portal can act on, and texts to show the user. */
export class JpkiBridgeError extends Error {
  /**
   * @param {{code: string, message?: string, ja?: string, en?: string, triesLeft?: number, retryAfterSeconds?: number}} detail
   */
  constructor(detail) {
    const fallback =
      /** @type {Record<string, {ja: string, en: string}>} */ (OWN_TEXTS)[detail.code] ?? OWN_TEXTS.unknown;
    const en = detail.en ?? fallback.en;
    super(detail.message !== undefined && detail.message !== "" ? detail.message : en);
    this.name = "JpkiBridgeError";
    /** @type {string} */
    this.code = detail.code;
    /** @type {string} */
    this.ja = detail.ja ?? fallback.ja;
    /** @type {string} */
    this.en = en;
    /** @type {number | undefined} */
    this.triesLeft = detail.triesLeft;
    /** @type {number | undefined} */
    this.retryAfterSeconds = detail.retryAfterSeconds;
  }
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
function isRecord(value) {
  return value !== null && typeof value === "object";
}

let sequence = 0;
function nextId() {
  sequence += 1;
  const random =
    typeof globalThis.crypto?.randomUUID === "function"
      ? globalThis.crypto.randomUUID()
      : Math.random().toString(36).slice(2);
  return `${random}-${sequence}`;
}

/**
 * @typedef {object} BridgeOptions
 * @property {Window} [window] the window to talk through (tests pass a fake)
 * @property {number} [pingTimeoutMs] how long to wait for the extension (default 1 s)
 * @property {number} [statusTimeoutMs]
 * @property {number} [interactiveTimeoutMs]
 */

/**
 * A bridge bound to one window. The module's functions use one bound to the global window;
 * tests and frames can make their own.
 * @param {BridgeOptions} [options]
 */
export function createJpkiBridge(options = {}) {
  const win = options.window ?? globalThis.window;
  const pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  const statusTimeoutMs = options.statusTimeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS;
  const interactiveTimeoutMs = options.interactiveTimeoutMs ?? DEFAULT_INTERACTIVE_TIMEOUT_MS;

  /** @type {Map<string, {resolve: (value: unknown) => void, reject: (error: JpkiBridgeError) => void}>} */
  const waiting = new Map();
  let listening = false;
  /** @type {Promise<boolean> | undefined} */
  let detection;

  /** @param {MessageEvent} event */
  const onMessage = (event) => {
    if (event.source !== win) return;
    const data = event.data;
    if (!isRecord(data) || data.source !== EXTENSION_SOURCE || typeof data.id !== "string") return;
    const entry = waiting.get(data.id);
    if (entry === undefined) return;
    waiting.delete(data.id);
    if (isRecord(data.error)) {
      const e = data.error;
      entry.reject(
        new JpkiBridgeError({
          code: typeof e.code === "string" ? e.code : "internal-error",
          message: typeof e.message === "string" ? e.message : undefined,
          ja: typeof e.ja === "string" ? e.ja : undefined,
          en: typeof e.en === "string" ? e.en : undefined,
          triesLeft: Number.isInteger(e.triesLeft) ? e.triesLeft : undefined,
          retryAfterSeconds: Number.isInteger(e.retryAfterSeconds) ? e.retryAfterSeconds : undefined,
        }),
      );
    } else {
      entry.resolve(data.result);
    }
  };

  const listen = () => {
    if (listening) return;
    listening = true;
    win.addEventListener("message", onMessage);
  };

  const targetOrigin = () => (win.location.origin === "null" ? "*" : win.location.origin);

  /**
   * Posts one message and waits for the answer with the same id.
   * @param {string} command
   * @param {Record<string, unknown>} args
   * @param {number} timeoutMs
   * @param {string} timeoutCode
   */
  const exchange = (command, args, timeoutMs, timeoutCode) => {
    listen();
    const id = nextId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new JpkiBridgeError({ code: timeoutCode }));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      win.postMessage({ source: PAGE_SOURCE, id, command, arguments: args }, targetOrigin());
    });
  };

  /**
   * Whether the extension answers; asks again every 100 ms (its content script may still be
   * loading) until `pingTimeoutMs` has passed. Never rejects.
   * @returns {Promise<boolean>}
   */
  const ping = () => {
    listen();
    return new Promise((resolve) => {
      const ids = new Set();
      let done = false;
      /** @param {boolean} found */
      const finish = (found) => {
        if (done) return;
        done = true;
        clearInterval(again);
        clearTimeout(giveUp);
        for (const id of ids) waiting.delete(id);
        resolve(found);
      };
      const send = () => {
        const id = nextId();
        ids.add(id);
        waiting.set(id, { resolve: () => finish(true), reject: () => finish(true) });
        win.postMessage({ source: PAGE_SOURCE, id, command: "ping", arguments: {} }, targetOrigin());
      };
      const again = setInterval(send, PING_INTERVAL_MS);
      const giveUp = setTimeout(() => finish(false), pingTimeoutMs);
      send();
    });
  };

  /** Detects the extension once; a failed detection is retried on the next call. */
  const isAvailable = async () => {
    detection ??= ping().then((found) => {
      if (!found) detection = undefined;
      return found;
    });
    return detection;
  };

  /**
   * @param {string} command
   * @param {Record<string, unknown>} args
   */
  const call = async (command, args) => {
    if (!(await isAvailable())) throw new JpkiBridgeError({ code: "extension-missing" });
    const timeoutMs = command === "status" ? statusTimeoutMs : interactiveTimeoutMs;
    return exchange(command, args, timeoutMs, "extension-timeout");
  };

  return {
    isAvailable,
    /**
     * `{hostPresent: true}`, and when called from the person's click or key press `cardPresent`.
     * No PIN, no dialog.
     */
    status: () => call("status", {}),
    /**
     * A Web eID login token (format web-eid:1.0) signed with the user-authentication key
     * over this page's origin and the server's nonce.
     * @param {string} challengeNonce base64 of at least 32 random bytes, issued by the server
     */
    authenticate: (challengeNonce) => call("authenticate", { challengeNonce }),
    /** The signing certificate (asks the signing password: the certificate holds personal data). */
    getSigningCertificate: () => call("get-signing-certificate", {}),
    /**
     * @param {string} hashBase64
     * @param {string} hashFunction
     * @param {string} certificateBase64
     */
    sign: (hashBase64, hashFunction, certificateBase64) =>
      call("sign", { hash: hashBase64, hashFunction, certificate: certificateBase64 }),
    /**
     * @param {string} digestBase64
     * @param {string} hashFunction
     */
    signCms: (digestBase64, hashFunction) => call("sign-cms", { digest: digestBase64, hashFunction }),
    /** The basic 4 attributes, after the user's consent and the card input support PIN. */
    readAttributes: () => call("read-attributes", {}),
  };
}

/** @type {ReturnType<typeof createJpkiBridge> | undefined} */
let defaultBridge;
const bridge = () => (defaultBridge ??= createJpkiBridge());

/** @returns {Promise<boolean>} */
export const isAvailable = () => bridge().isAvailable();
export const status = () => bridge().status();
/** @param {string} challengeNonce */
export const authenticate = (challengeNonce) => bridge().authenticate(challengeNonce);
export const getSigningCertificate = () => bridge().getSigningCertificate();
/**
 * @param {string} hashBase64
 * @param {string} hashFunction
 * @param {string} certificateBase64
 */
export const sign = (hashBase64, hashFunction, certificateBase64) =>
  bridge().sign(hashBase64, hashFunction, certificateBase64);
/**
 * @param {string} digestBase64
 * @param {string} hashFunction
 */
export const signCms = (digestBase64, hashFunction) => bridge().signCms(digestBase64, hashFunction);
export const readAttributes = () => bridge().readAttributes();
