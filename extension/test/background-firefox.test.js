// background.js as Firefox runs it: the API object is `browser`, and a content script's
// sender carries `url` and (from Firefox 126) `origin`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { PAGE_PORT } from "../bridge-core.js";
import { FakePort, STATUS_REPLY, waitFor } from "./support/fake-browser.js";
import { fakeExtensionApi } from "./support/fake-extension-api.js";

const BASE = "moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/";
const { api, host, fetchOwnFile } = fakeExtensionApi({
  id: "jpki-bridge@jpki-bridge.org",
  baseUrl: BASE,
  host: { reply: () => STATUS_REPLY },
  stored: { allowHttpLoopback: true },
});
// Chromium 148+ also has `browser`; Firefox has `chrome` too: `browser` wins where both exist.
Object.assign(globalThis, { browser: api, chrome: { runtime: { id: "the wrong object" } } });
Object.assign(globalThis, { fetch: fetchOwnFile });
await import("../background.js");

test("background.js prefers the browser object", () => {
  assert.equal(api.runtime.onConnect.listeners.length, 1);
});

test("the origin comes from sender.origin, and the development switch from storage.local", async () => {
  const sender = {
    id: "jpki-bridge@jpki-bridge.org",
    url: "http://localhost:8080/demo/login",
    origin: "http://localhost:8080",
    tab: { id: 9 },
    frameId: 0,
  };
  const port = new FakePort(PAGE_PORT, sender);
  api.runtime.onConnect.dispatch(port);
  port.onMessage.dispatch({ command: "status", arguments: { origin: "https://bank.example.jp" } }, port);
  await waitFor(() => port.disconnected);
  assert.deepEqual(host.requests, [{ command: "status", arguments: { origin: "http://localhost:8080" } }]);
  assert.deepEqual(port.posted, [{ result: { hostPresent: true } }], "a page learns no more from status");
  assert.equal(host.ports[0].disconnected, true);
});
