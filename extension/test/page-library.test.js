import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import vm from "node:vm";

import { createBridge } from "../bridge-core.js";
import * as library from "../page/jpki-bridge.js";
import { JpkiBridgeError, createJpkiBridge } from "../page/jpki-bridge.js";
import { fakeNativeHost, linkedPorts, waitFor } from "./support/fake-browser.js";
import { createFakeWindow } from "./support/fake-window.js";
import { catalogs } from "./support/locales.js";

/**
 * Plays the content script on a fake window: answers ping, and hands other requests to `handle`.
 * @param {import("./support/fake-window.js").FakeWindow} win
 * @param {(request: any, answer: (answer: object) => void) => void} handle
 */
function fakeExtension(win, handle) {
  win.addEventListener("message", (event) => {
    const data = event.data;
    if (event.source !== win || data?.source !== "jpki-bridge-page") return;
    /** @param {object} answer */
    const answer = (answer) => win.postMessage({ source: "jpki-bridge-extension", id: data.id, ...answer }, "*");
    if (data.command === "ping") answer({ result: { extension: "jpki-bridge", version: "0.1.0" } });
    else handle(data, answer);
  });
}

/** @param {import("./support/fake-window.js").FakeWindow} win */
const pageRequests = (win) =>
  win.posted.filter((m) => m.data.source === "jpki-bridge-page" && m.data.command !== "ping").map((m) => m.data);

describe("page library", () => {
  test("matches answers to requests by id, whatever their order", async () => {
    const win = createFakeWindow();
    /** @type {Array<() => void>} */
    const held = [];
    fakeExtension(win, (request, answer) => {
      held.push(() => answer({ result: { command: request.command } }));
      if (held.length === 2) held.reverse().forEach((release) => release());
    });
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win) });
    const [status, attributes] = await Promise.all([bridge.status(), bridge.readAttributes()]);
    assert.deepEqual(status, { command: "status" });
    assert.deepEqual(attributes, { command: "read-attributes" });
    const ids = pageRequests(win).map((r) => r.id);
    assert.equal(new Set(ids).size, 2);
  });

  test("rejects with extension-missing after the ping timeout when nothing answers", async () => {
    const win = createFakeWindow();
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win), pingTimeoutMs: 150 });
    const started = Date.now();
    await assert.rejects(bridge.authenticate("bm9uY2U="), (error) => {
      assert.ok(error instanceof JpkiBridgeError);
      assert.equal(error.code, "extension-missing");
      assert.match(error.ja, /拡張機能/);
      assert.match(error.en, /extension/);
      return true;
    });
    assert.ok(Date.now() - started >= 140);
    assert.deepEqual(pageRequests(win), [], "no request is sent without the extension");
    assert.equal(await bridge.isAvailable(), false);
  });

  test("finds an extension whose content script starts late, within the ping timeout", async () => {
    const win = createFakeWindow();
    setTimeout(() => fakeExtension(win, () => {}), 250);
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win), pingTimeoutMs: 800 });
    assert.equal(await bridge.isAvailable(), true);
  });

  test("errors become JpkiBridgeError with code, message, ja, en and triesLeft", async () => {
    const win = createFakeWindow();
    fakeExtension(win, (_request, answer) =>
      answer({ error: { code: "pin-incorrect", message: "wrong PIN", ja: "暗証番号が違います", en: "Wrong PIN", triesLeft: 1 } }),
    );
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win) });
    const error = await bridge.authenticate("bm9uY2U=").catch((e) => e);
    assert.ok(error instanceof JpkiBridgeError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "JpkiBridgeError");
    assert.equal(error.code, "pin-incorrect");
    assert.equal(error.message, "wrong PIN");
    assert.equal(error.ja, "暗証番号が違います");
    assert.equal(error.en, "Wrong PIN");
    assert.equal(error.triesLeft, 1);
  });

  test("an error without texts still has Japanese and English ones", () => {
    const error = new JpkiBridgeError({ code: "something-new" });
    assert.ok(error.ja.length > 0 && error.en.length > 0);
    assert.equal(error.message, error.en);
    assert.equal(error.triesLeft, undefined);
  });

  test("each function sends its command and arguments, and never an origin", async () => {
    const win = createFakeWindow();
    fakeExtension(win, (_request, answer) => answer({ result: {} }));
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win) });
    await bridge.status();
    await bridge.authenticate("bm9uY2U=");
    await bridge.getSigningCertificate();
    await bridge.sign("aGFzaA==", "SHA-256", "Y2VydA==");
    await bridge.signCms("ZGlnZXN0", "SHA-384");
    await bridge.readAttributes();
    assert.deepEqual(
      pageRequests(win).map((r) => [r.command, r.arguments]),
      [
        ["status", {}],
        ["authenticate", { challengeNonce: "bm9uY2U=" }],
        ["get-signing-certificate", {}],
        ["sign", { hash: "aGFzaA==", hashFunction: "SHA-256", certificate: "Y2VydA==" }],
        ["sign-cms", { digest: "ZGlnZXN0", hashFunction: "SHA-384" }],
        ["read-attributes", {}],
      ],
    );
    for (const message of win.posted.filter((m) => m.data.source === "jpki-bridge-page")) {
      assert.equal(message.targetOrigin, "https://portal.example");
    }
  });

  test("ignores answers from other windows, other sources and unknown ids", async () => {
    const win = createFakeWindow();
    fakeExtension(win, (request) => {
      win.deliver({ source: "jpki-bridge-extension", id: request.id, result: "forged" }, { other: "window" });
      win.deliver({ source: "someone-else", id: request.id, result: "forged" }, win);
      win.deliver({ source: "jpki-bridge-extension", id: "unknown", result: "forged" }, win);
      setTimeout(() => win.deliver({ source: "jpki-bridge-extension", id: request.id, result: "real" }, win), 20);
    });
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win) });
    assert.equal(await bridge.status(), "real");
  });

  test("a request the extension never answers times out", async () => {
    const win = createFakeWindow();
    fakeExtension(win, () => {});
    const bridge = createJpkiBridge({ window: /** @type {any} */ (win), statusTimeoutMs: 50 });
    await assert.rejects(bridge.status(), { code: "extension-timeout" });
  });

  test("jpki-bridge.d.ts declares exactly the module's exports", () => {
    const declarations = readFileSync(new URL("../page/jpki-bridge.d.ts", import.meta.url), "utf8");
    const declared = [...declarations.matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(declared, Object.keys(library).sort());
  });
});

describe("page → content script → background → host, in node", () => {
  test("a login request carries the origin the browser reported, not the one the page claims", async () => {
    const win = createFakeWindow("https://portal.example.jp");
    const host = fakeNativeHost({ reply: (request) => ({ boundTo: request.arguments.origin }) });
    const background = createBridge({
      connectNative: host.connectNative,
      loadSettings: async () => ({}),
      loadTexts: async () => catalogs,
      extensionId: "aiggbfaepgjdkmjpdmgaocidapelfklm",
      extensionBaseUrl: "chrome-extension://aiggbfaepgjdkmjpdmgaocidapelfklm/",
      tabState: async () => ({ active: true, focused: true }),
    });
    const runtime = {
      id: "aiggbfaepgjdkmjpdmgaocidapelfklm",
      getManifest: () => ({ version: "0.1.0" }),
      /** @param {{name: string}} info */
      connect: (info) => {
        // The browser, not the page, says who is connecting.
        const { near, far } = linkedPorts(info.name, {
          id: "aiggbfaepgjdkmjpdmgaocidapelfklm",
          url: "https://portal.example.jp/login",
          origin: "https://portal.example.jp",
          tab: { id: 1 },
          frameId: 0,
        });
        background.acceptPort(/** @type {any} */ (far));
        return near;
      },
    };
    const contentScript = readFileSync(new URL("../content.js", import.meta.url), "utf8");
    vm.runInContext(contentScript, vm.createContext({ window: win, navigator: { userActivation: { isActive: true } }, chrome: { runtime } }));

    const bridge = createJpkiBridge({ window: /** @type {any} */ (win) });
    // A page that tries to smuggle another origin past the library.
    win.postMessage(
      { source: "jpki-bridge-page", id: "smuggled", command: "authenticate", arguments: { challengeNonce: "bm9uY2U=", origin: "https://bank.example.jp" } },
      "*",
    );
    const answerTo = (/** @type {string} */ id) =>
      win.posted.find((m) => m.data.source === "jpki-bridge-extension" && m.data.id === id);
    await waitFor(() => answerTo("smuggled") !== undefined);
    const smuggled = answerTo("smuggled");
    assert.deepEqual(smuggled?.data.result, { boundTo: "https://portal.example.jp" });
    const token = await bridge.authenticate("bm9uY2U=");
    assert.deepEqual(token, { boundTo: "https://portal.example.jp" });
    assert.deepEqual(
      host.requests.map((r) => r.arguments.origin),
      ["https://portal.example.jp", "https://portal.example.jp"],
    );
    await waitFor(() => host.ports.every((port) => port.disconnected));
  });
});
