/**
 * Content script for the government portals' own page protocol (docs/mynaportal.md). On every
 * page it asks the background once whether the page is one of the portal origins the native
 * host serves; everywhere else it does nothing more. On a portal it adds the hidden inputs the
 * portal looks for, and relays each `launchApp` event (detail: a JSON string) to the background
 * and the answer back as a `recvMsg` event (detail: a JSON string). The origin is the browser's;
 * whatever the page writes is only the request. It never sees a PIN.
 *
 * A classic script (content scripts cannot be modules), wrapped so that a second injection
 * after an extension update does not collide with the first.
 */
(() => {
  const PORTAL_PORT = "jpki-bridge-portal";
  const FAILED_BEFORE_CARD = "EW044-C300";
  /** The versions the portal checks (the official extension's and app's majors; uncertain). */
  const EXTENSION_MAJOR = "24";
  const APP_MAJOR = "29";

  /** @type {typeof chrome} */
  const ext = /** @type {any} */ (globalThis).browser ?? globalThis.chrome;

  /**
   * One message to the background on a port of its own, and its one answer (undefined when the
   * background went away first).
   * @param {Record<string, unknown>} message
   * @returns {Promise<any>}
   */
  const ask = (message) =>
    new Promise((resolve) => {
      let port;
      try {
        port = ext.runtime.connect({ name: PORTAL_PORT });
      } catch {
        resolve(undefined);
        return;
      }
      port.onMessage.addListener((answer) => resolve(answer));
      port.onDisconnect.addListener(() => resolve(undefined));
      port.postMessage(message);
    });

  /** @param {string} detail */
  const reply = (detail) => document.dispatchEvent(new CustomEvent("recvMsg", { bubbles: true, detail }));

  /** @param {string} id @param {string} value */
  const addMarker = (id, value) => {
    if (document.getElementById(id) !== null) return;
    const input = document.createElement("input");
    input.type = "hidden";
    input.id = id;
    input.value = value;
    document.body.appendChild(input);
  };

  const serve = () => {
    addMarker("extension-is-installed", EXTENSION_MAJOR);
    addMarker("app-is-installed", APP_MAJOR);
    document.addEventListener("launchApp", (event) => {
      const detail = /** @type {CustomEvent} */ (event).detail;
      if (typeof detail !== "string") return;
      // The portal's page sends launchApp from the person's click; the background opens no
      // dialog without it (or a success just before).
      const userActivation = navigator.userActivation?.isActive === true;
      void ask({ kind: "launch", detail, userActivation }).then((answer) => {
        if (typeof answer?.detail === "string") {
          reply(answer.detail);
          return;
        }
        if (answer !== undefined) return; // the background chose to say nothing
        // The extension went away (reloaded, disabled) before answering: the request failed
        // before the card, which the protocol reports as the page's own request.
        try {
          const request = JSON.parse(detail);
          if (request !== null && typeof request === "object" && !Array.isArray(request)) {
            reply(JSON.stringify({ ...request, result: "1", errcode: FAILED_BEFORE_CARD }));
          }
        } catch {
          // Not a request: nothing to answer.
        }
      });
    });
  };

  void ask({ kind: "probe" }).then((answer) => {
    if (answer?.portal !== true) return;
    if (document.body !== null) serve();
    else document.addEventListener("DOMContentLoaded", serve, { once: true });
  });
})();
