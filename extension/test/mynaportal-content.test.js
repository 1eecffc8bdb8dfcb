// mynaportal-content.js, run as a classic script against a small fake document and runtime.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import vm from "node:vm";

import { FakePort, settle } from "./support/fake-browser.js";

const SOURCE = readFileSync(new URL("../mynaportal-content.js", import.meta.url), "utf8");

/** Just what the script touches of a page: events on the document, hidden inputs in the body. */
function fakeDocument() {
  /** @type {Map<string, Array<(event: any) => void>>} */
  const listeners = new Map();
  /** @type {any[]} */
  const elements = [];
  return {
    body: { appendChild: (/** @type {any} */ element) => elements.push(element) },
    getElementById: (/** @type {string} */ id) => elements.find((element) => element.id === id) ?? null,
    createElement: () => ({}),
    addEventListener: (/** @type {string} */ type, /** @type {(event: any) => void} */ listener) =>
      listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    dispatchEvent: (/** @type {any} */ event) => {
      for (const listener of listeners.get(event.type) ?? []) listener(event);
      return true;
    },
  };
}

/**
 * Loads the script on a portal page whose person has (or has not) just clicked; the background
 * answers the probe with "a portal" and records each launch.
 * @param {boolean} userActive
 */
async function loadOnPortal(userActive) {
  const document = fakeDocument();
  /** @type {any[]} */
  const launches = [];
  const runtime = {
    /** @param {{name: string}} info */
    connect: (info) => {
      const port = new FakePort(info.name);
      port.onPost = (/** @type {any} */ message) => {
        if (message.kind === "probe") port.receive({ portal: true });
        else launches.push(message);
      };
      return port;
    },
  };
  class CustomEvent {
    /** @param {string} type @param {{detail?: unknown}} [init] */
    constructor(type, init = {}) {
      this.type = type;
      this.detail = init.detail;
    }
  }
  const context = vm.createContext({ document, CustomEvent, navigator: { userActivation: { isActive: userActive } }, chrome: { runtime } });
  vm.runInContext(SOURCE, context);
  await settle();
  return { document, launches, CustomEvent };
}

describe("portal content script", () => {
  for (const userActive of [true, false]) {
    test(`tells the background whether launchApp came with the person's click or key (${userActive})`, async () => {
      const { document, launches, CustomEvent } = await loadOnPortal(userActive);
      assert.notEqual(document.getElementById("extension-is-installed"), null, "the portal's markers are there");
      const detail = JSON.stringify({ mode: "01", service_id: "01", digest: "AAAA" });
      document.dispatchEvent(new CustomEvent("launchApp", { detail }));
      await settle();
      assert.deepEqual(JSON.parse(JSON.stringify(launches)), [{ kind: "launch", detail, userActivation: userActive }]);
    });
  }
});
