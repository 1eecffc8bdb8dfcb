// content.js, run as a classic script against a fake window and a fake runtime.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import vm from "node:vm";

import { FakePort, settle } from "./support/fake-browser.js";
import { createFakeWindow } from "./support/fake-window.js";

const SOURCE = readFileSync(new URL("../content.js", import.meta.url), "utf8");

/**
 * Loads content.js into a page of `origin`; `answer` plays the background for each port.
 * @param {{origin?: string, answer?: (port: FakePort, request: any) => void, orphaned?: boolean, userActive?: boolean}} [options]
 */
function loadContentScript(options = {}) {
  const win = createFakeWindow(options.origin);
  /** @type {FakePort[]} */
  const ports = [];
  const runtime = {
    id: options.orphaned ? undefined : "aiggbfaepgjdkmjpdmgaocidapelfklm",
    getManifest: () => ({ version: "0.1.0" }),
    /** @param {{name: string}} info */
    connect: (info) => {
      const port = new FakePort(info.name);
      port.onPost = (request) => options.answer?.(port, request);
      ports.push(port);
      return port;
    },
  };
  const context = vm.createContext({ window: win, navigator: { userActivation: { isActive: options.userActive ?? true } }, chrome: { runtime } });
  vm.runInContext(SOURCE, context);
  /** The page's view: answers addressed to it. */
  const answers = () => win.posted.filter((m) => m.data.source === "jpki-bridge-extension").map((m) => m.data);
  return { win, ports, answers };
}

describe("content script", () => {
  test("answers ping itself, without the background", async () => {
    const { win, ports, answers } = loadContentScript();
    win.postMessage({ source: "jpki-bridge-page", id: "p1", command: "ping" }, "https://portal.example");
    await settle();
    assert.deepEqual(answers(), [{ source: "jpki-bridge-extension", id: "p1", result: { extension: "jpki-bridge", version: "0.1.0" } }]);
    assert.equal(ports.length, 0);
    assert.equal(win.posted.at(-1)?.targetOrigin, "https://portal.example");
  });

  test("forwards {command, arguments} as the page sent them, adding only the page's user activation", async () => {
    /** @type {any[]} */
    const seen = [];
    const { win, ports } = loadContentScript({ answer: (_port, request) => seen.push(request) });
    const args = { challengeNonce: "bm9uY2U=", origin: "https://claimed.example" };
    win.postMessage({ source: "jpki-bridge-page", id: "a1", command: "authenticate", arguments: args }, "*");
    await settle();
    assert.equal(ports.length, 1);
    assert.equal(ports[0].name, "jpki-bridge-page");
    assert.deepEqual(JSON.parse(JSON.stringify(seen)), [{ command: "authenticate", arguments: args, userActivation: true }]);
  });

  test("tells the background when the page asked without the person's click or key", async () => {
    /** @type {any[]} */
    const seen = [];
    const { win } = loadContentScript({ userActive: false, answer: (_port, request) => seen.push(request) });
    win.postMessage({ source: "jpki-bridge-page", id: "g1", command: "authenticate", arguments: {}, userActivation: true }, "*");
    await settle();
    assert.equal(seen[0].userActivation, false, "the page cannot claim an activation it does not have");
  });

  test("relays the background's answer with the page's id", async () => {
    const { win, answers } = loadContentScript({
      answer: (port, request) => port.receive(request.command === "status" ? { result: { ok: 1 } } : { error: { code: "no-card", ja: "カードなし", en: "No card", message: "" } }),
    });
    win.postMessage({ source: "jpki-bridge-page", id: "s1", command: "status", arguments: {} }, "*");
    win.postMessage({ source: "jpki-bridge-page", id: "s2", command: "read-attributes", arguments: {} }, "*");
    await settle();
    await settle();
    const byId = Object.fromEntries(answers().map((a) => [a.id, a]));
    assert.deepEqual(byId.s1, { source: "jpki-bridge-extension", id: "s1", result: { ok: 1 } });
    assert.deepEqual(byId.s2, { source: "jpki-bridge-extension", id: "s2", error: { code: "no-card", ja: "カードなし", en: "No card", message: "" } });
  });

  test("ignores messages from other windows and without its tag", async () => {
    const { win, ports, answers } = loadContentScript();
    win.deliver({ source: "jpki-bridge-page", id: "x", command: "ping" }, { other: "window" });
    win.postMessage({ id: "y", command: "ping" }, "*");
    win.postMessage({ source: "jpki-bridge-page", command: "ping" }, "*");
    win.postMessage("jpki-bridge-page", "*");
    await settle();
    assert.deepEqual(answers(), []);
    assert.equal(ports.length, 0);
  });

  test("a background that goes away without answering is reported as extension-missing", async () => {
    const { win, answers } = loadContentScript({ answer: (port) => port.drop() });
    win.postMessage({ source: "jpki-bridge-page", id: "d1", command: "status", arguments: {} }, "*");
    await settle();
    await settle();
    assert.equal(answers()[0].error.code, "extension-missing");
  });

  test("an orphaned script (extension updated or removed) stays silent", async () => {
    const { win, answers } = loadContentScript({ orphaned: true });
    win.postMessage({ source: "jpki-bridge-page", id: "o1", command: "ping" }, "*");
    await settle();
    assert.deepEqual(answers(), []);
  });
});
