// background.js as Chromium runs it: the API object is `chrome`, and a content script's
// sender carries `origin`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PAGE_PORT } from "../bridge-core.js";
import { FakePort, waitFor } from "./support/fake-browser.js";
import { fakeExtensionApi } from "./support/fake-extension-api.js";
import { catalogs } from "./support/locales.js";

const ID = "aiggbfaepgjdkmjpdmgaocidapelfklm";
const { api, host, fetchOwnFile } = fakeExtensionApi({
  id: ID,
  baseUrl: `chrome-extension://${ID}/`,
  host: { start: "missing" },
});
Object.assign(globalThis, { chrome: api });
Object.assign(globalThis, { fetch: fetchOwnFile });
await import("../background.js");

test("background.js listens for ports at load time", () => {
  assert.equal(api.runtime.onConnect.listeners.length, 1);
});

test("a content script's request runs the host and the answer comes back on the port", async () => {
  const sender = {
    id: ID,
    url: "https://portal.example.jp/login",
    origin: "https://portal.example.jp",
    tab: { id: 4 },
    frameId: 0,
  };
  const port = new FakePort(PAGE_PORT, sender);
  api.runtime.onConnect.dispatch(port);
  port.onMessage.dispatch({ command: "status", arguments: { origin: "https://evil.example" } }, port);
  await waitFor(() => port.disconnected);
  assert.equal(host.names[0], "jp.jpki_bridge");
  const answer = /** @type {any} */ (port.posted[0]);
  assert.equal(answer.error.code, "host-missing");
  // The texts come from the extension's own _locales files, fetched from its URL.
  assert.equal(answer.error.ja, catalogs.ja.error_host_missing.message);
  assert.equal(answer.error.en, catalogs.en.error_host_missing.message);
  assert.equal(port.disconnected, true);
});


test("a request from a background tab or a window without the focus gets not-active-tab, and the host never starts", async () => {
  const started = host.names.length;
  /** @param {number} tabId */
  const ask = async (tabId) => {
    const sender = { id: ID, url: "https://portal.example.jp/", origin: "https://portal.example.jp", tab: { id: tabId }, frameId: 0 };
    const port = new FakePort(PAGE_PORT, sender);
    api.runtime.onConnect.dispatch(port);
    port.onMessage.dispatch({ command: "status", arguments: {} }, port);
    await waitFor(() => port.disconnected);
    return /** @type {any} */ (port.posted[0]).error.code;
  };
  api.tabs.backgroundTabs.add(5);
  assert.equal(await ask(5), "not-active-tab");
  api.windows.unfocused = true;
  assert.equal(await ask(6), "not-active-tab");
  api.windows.unfocused = false;
  assert.equal(host.names.length, started);
});
