/**
 * Content script: relays between the page (window.postMessage) and the background
 * (runtime.connect, one port per request). It adds to a request only whether the page had the
 * person's transient user activation (a click or a key press moments before) when it asked, which
 * the background requires of anything that may open a dialog and before telling a page whether a
 * card is in; it never sees a PIN (PINs are typed
 * only into the host's own dialog) and answers `ping` itself so that the page library can tell
 * the extension is there.
 *
 * page → {source: "jpki-bridge-page", id, command, arguments}
 * page ← {source: "jpki-bridge-extension", id, result} | {source: "jpki-bridge-extension", id, error}
 *
 * A classic script (content scripts cannot be modules), wrapped so that a second injection
 * after an extension update does not collide with the first.
 */
(() => {
  const PAGE_SOURCE = "jpki-bridge-page";
  const EXTENSION_SOURCE = "jpki-bridge-extension";
  const PAGE_PORT = "jpki-bridge-page";

  /** @type {typeof chrome} */
  const ext = /** @type {any} */ (globalThis).browser ?? globalThis.chrome;

  /** Whether this script still belongs to a running extension (not orphaned by an update). */
  const extensionAlive = () => {
    try {
      return typeof ext?.runtime?.id === "string";
    } catch {
      return false;
    }
  };

  /** @param {Record<string, unknown>} answer */
  const answerPage = (answer) => {
    const target = window.location.origin === "null" ? "*" : window.location.origin;
    window.postMessage({ source: EXTENSION_SOURCE, ...answer }, target);
  };

  /**
   * @param {string | number} id
   * @param {string} detail
   */
  const extensionGone = (id, detail) =>
    answerPage({ id, error: { code: "extension-missing", message: detail } });

  window.addEventListener("message", (event) => {
    if (event.source !== window) return;
    const data = event.data;
    if (data === null || typeof data !== "object" || data.source !== PAGE_SOURCE) return;
    const id = data.id;
    if ((typeof id !== "string" && typeof id !== "number") || typeof data.command !== "string") return;

    if (!extensionAlive()) {
      // An orphaned script stays silent, so the page library reports extension-missing.
      return;
    }
    if (data.command === "ping") {
      answerPage({ id, result: { extension: "jpki-bridge", version: ext.runtime.getManifest().version } });
      return;
    }

    // Read at once: the activation is the page's, at the moment it asked.
    const userActivation = navigator.userActivation?.isActive === true;
    let request;
    try {
      // A JSON copy: the host takes JSON, and the page's objects must not leak across worlds.
      request = JSON.parse(JSON.stringify({ command: data.command, arguments: data.arguments ?? {} }));
      request.userActivation = userActivation;
    } catch {
      answerPage({ id, error: { code: "invalid-request", message: "arguments must be JSON" } });
      return;
    }

    let port;
    try {
      port = ext.runtime.connect({ name: PAGE_PORT });
    } catch (e) {
      extensionGone(id, `the extension is not reachable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    let answered = false;
    port.onMessage.addListener((response) => {
      if (answered) return;
      answered = true;
      const failed = response !== null && typeof response === "object" && "error" in response;
      answerPage({ id, ...(failed ? { error: response.error } : { result: response?.result }) });
    });
    port.onDisconnect.addListener(() => {
      if (!answered) {
        answered = true;
        extensionGone(id, "the extension stopped before answering (was it reloaded or disabled?)");
      }
    });
    port.postMessage(request);
  });
})();
