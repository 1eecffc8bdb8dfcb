// Small fakes of the WebExtension runtime and Port APIs, enough for the background's logic.

/**
 * @template {unknown[]} A
 */
export class FakeEvent {
  constructor() {
    /** @type {Array<(...args: A) => void>} */
    this.listeners = [];
  }

  /** @param {(...args: A) => void} listener */
  addListener(listener) {
    this.listeners.push(listener);
  }

  /** @param {(...args: A) => void} listener */
  removeListener(listener) {
    this.listeners = this.listeners.filter((l) => l !== listener);
  }

  /** @param {A} args */
  dispatch(...args) {
    for (const listener of [...this.listeners]) listener(...args);
  }
}

/**
 * A runtime.Port. As in browsers, disconnect() does not fire the port's own onDisconnect.
 */
export class FakePort {
  /**
   * @param {string} name
   * @param {object} [sender]
   */
  constructor(name, sender) {
    this.name = name;
    this.sender = sender;
    /** @type {FakeEvent<[any, FakePort]>} */
    this.onMessage = new FakeEvent();
    /** @type {FakeEvent<[FakePort]>} */
    this.onDisconnect = new FakeEvent();
    /** @type {unknown[]} */
    this.posted = [];
    this.disconnected = false;
    /** @type {{message: string} | null} */
    this.error = null;
    /** @type {(message: unknown) => void} */
    this.onPost = () => {};
  }

  /** @param {unknown} message */
  postMessage(message) {
    if (this.disconnected) throw new Error("Attempting to use a disconnected port object");
    this.posted.push(structuredClone(message));
    this.onPost(structuredClone(message));
  }

  disconnect() {
    this.disconnected = true;
  }

  /** The other side sends a message (asynchronously, as browsers do). */
  /** @param {unknown} message */
  receive(message) {
    setImmediate(() => {
      if (!this.disconnected) this.onMessage.dispatch(structuredClone(message), this);
    });
  }

  /** The other side goes away. */
  /** @param {string} [reason] */
  drop(reason) {
    setImmediate(() => {
      if (this.disconnected) return;
      this.disconnected = true;
      if (reason !== undefined) this.error = { message: reason };
      this.onDisconnect.dispatch(this);
    });
  }
}

/**
 * @typedef {object} HostScript how the fake native host behaves
 * @property {"ok" | "missing" | "silent"} [start] missing: not installed; silent: never writes its version
 * @property {unknown} [firstFrame] what it writes first (default `{version}`)
 * @property {string} [version]
 * @property {(request: any) => unknown} [reply] its reply to the request; undefined: never answers
 * @property {boolean} [crashAfterRequest] exits without a reply
 */

/**
 * A fake `runtime.connectNative` with a scripted host; records every port it made.
 * @param {HostScript} script
 */
export function fakeNativeHost(script = {}) {
  /** @type {FakePort[]} */
  const ports = [];
  /** @type {string[]} */
  const names = [];
  /** @type {any[]} */
  const requests = [];
  /** @param {string} name */
  const connectNative = (name) => {
    names.push(name);
    const port = new FakePort(name);
    ports.push(port);
    const start = script.start ?? "ok";
    if (start === "missing") {
      port.drop("Specified native messaging host not found.");
      return port;
    }
    port.onPost = (request) => {
      requests.push(request);
      if (script.crashAfterRequest) {
        port.drop("Native host has exited.");
        return;
      }
      if (script.reply !== undefined) port.receive(script.reply(request));
    };
    if (start === "ok") port.receive(script.firstFrame ?? { version: script.version ?? "0.1.0" });
    return port;
  };
  return { connectNative, ports, names, requests };
}

/** A status reply as the host writes it (docs/protocol.md). */
export const STATUS_REPLY = Object.freeze({
  readers: ["Virtual PCD 00 00"],
  card: { reader: "Virtual PCD 00 00", type: "mynumber" },
  certificates: {
    auth: { present: true, notAfter: "2030-11-21T05:13:50Z", validity: "valid" },
    sign: { present: true },
  },
  pins: {
    auth: { triesLeft: 3, maxTries: 3 },
    sign: { triesLeft: 5, maxTries: 5 },
    support: { triesLeft: 3, maxTries: 3 },
  },
});

/** Resolves after pending immediates and microtasks have run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two connected ends of a runtime.connect channel: what one posts, the other receives; when
 * one disconnects, the other's onDisconnect fires.
 * @param {string} name
 * @param {object} sender what the browser tells the receiving end about the connecting end
 */
export function linkedPorts(name, sender) {
  const near = new FakePort(name);
  const far = new FakePort(name, sender);
  near.onPost = (message) => far.receive(message);
  far.onPost = (message) => near.receive(message);
  const hangUp = (/** @type {FakePort} */ other) => () => {
    setImmediate(() => {
      if (other.disconnected) return;
      other.disconnected = true;
      other.onDisconnect.dispatch(other);
    });
  };
  const nearDisconnect = near.disconnect.bind(near);
  const farDisconnect = far.disconnect.bind(far);
  near.disconnect = () => {
    nearDisconnect();
    hangUp(far)();
  };
  far.disconnect = () => {
    farDisconnect();
    hangUp(near)();
  };
  return { near, far };
}

/**
 * Waits until `predicate` holds (checked every few ms), failing after `ms`.
 * @param {() => boolean} predicate
 * @param {number} [ms]
 */
export async function waitFor(predicate, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("waitFor: condition not met in time");
    await sleep(2);
  }
}
