// A window with postMessage and message listeners, enough for the page library and the
// content script (which share the real window in a browser).

/**
 * @typedef {object} FakeWindow
 * @property {{origin: string}} location
 * @property {{data: any, targetOrigin: string}[]} posted every message posted to this window
 * @property {(type: string, listener: (event: any) => void) => void} addEventListener
 * @property {(type: string, listener: (event: any) => void) => void} removeEventListener
 * @property {(data: unknown, targetOrigin: string) => void} postMessage
 * @property {(data: unknown, source: unknown) => void} deliver
 */

/**
 * @param {string} [origin]
 * @returns {FakeWindow}
 */
export function createFakeWindow(origin = "https://portal.example") {
  /** @type {Set<(event: any) => void>} */
  const listeners = new Set();
  /** @type {FakeWindow} */
  const win = {
    location: { origin },
    /** @type {{data: any, targetOrigin: string}[]} */
    posted: [],
    /**
     * @param {string} type
     * @param {(event: any) => void} listener
     */
    addEventListener(type, listener) {
      if (type === "message") listeners.add(listener);
    },
    /**
     * @param {string} type
     * @param {(event: any) => void} listener
     */
    removeEventListener(type, listener) {
      if (type === "message") listeners.delete(listener);
    },
    /**
     * @param {unknown} data
     * @param {string} targetOrigin
     */
    postMessage(data, targetOrigin) {
      const copy = structuredClone(data);
      win.posted.push({ data: copy, targetOrigin });
      setImmediate(() => win.deliver(copy, win));
    },
    /**
     * A message event as this window's listeners see it.
     * @param {unknown} data
     * @param {unknown} source
     */
    deliver(data, source) {
      for (const listener of [...listeners]) listener({ source, data: structuredClone(data), origin });
    },
  };
  return win;
}
