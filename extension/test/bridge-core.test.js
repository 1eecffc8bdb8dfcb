import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import {
  EXTENSION_ERROR_CODES,
  EXTENSION_PSEUDO_ORIGIN,
  EXTENSION_STATUS_PORT,
  HOST_NAME,
  PAGE_PORT,
  createBridge,
  errorTexts,
  hostMajorVersion,
  isOriginAllowed,
  originOfSender,
} from "../bridge-core.js";
import { FakePort, STATUS_REPLY, fakeNativeHost, settle, waitFor } from "./support/fake-browser.js";
import { catalogs } from "./support/locales.js";

const EXTENSION_ID = "aiggbfaepgjdkmjpdmgaocidapelfklm";
const BASE_URL = `chrome-extension://${EXTENSION_ID}/`;
const NONCE = "A".repeat(43) + "=";
// Short enough for a quick suite, long enough that a fake host answers in time on a loaded machine.
const FAST = { handshakeMs: 500, statusMs: 800, interactiveMs: 2000 };
/** The tab state of a tab the person is looking at. */
const ACTIVE_TAB = async () => ({ active: true, focused: true });

/**
 * A content script's sender as Chromium describes it.
 * @param {string} url
 * @param {number} [tabId]
 */
function chromiumSender(url, tabId = 7) {
  return { id: EXTENSION_ID, url, origin: new URL(url).origin, tab: { id: tabId }, frameId: 0 };
}

/**
 * The same as Firefox (from 126) describes it: the URL and the origin of the frame.
 * @param {string} url
 * @param {number} [tabId]
 */
function firefoxSender(url, tabId = 7) {
  return { id: EXTENSION_ID, url, origin: new URL(url).origin, tab: { id: tabId }, frameId: 0 };
}

/**
 * @param {import("./support/fake-browser.js").HostScript} script
 * @param {{settings?: unknown, lastError?: string, tabState?: () => Promise<{active: boolean, focused: boolean}>, now?: () => number}} [options]
 */
function setUp(script, options = {}) {
  const host = fakeNativeHost(script);
  const bridge = createBridge({
    connectNative: host.connectNative,
    lastErrorMessage: () => options.lastError,
    loadSettings: async () => options.settings ?? {},
    loadTexts: async () => catalogs,
    extensionId: EXTENSION_ID,
    extensionBaseUrl: BASE_URL,
    tabState: options.tabState ?? ACTIVE_TAB,
    now: options.now,
    timeouts: FAST,
  });
  return { host, bridge };
}

/** A host that echoes the request it got. */
const echo = { reply: (/** @type {any} */ request) => ({ echoed: request }) };

describe("origin", () => {
  test("is taken from sender.origin in Chromium", () => {
    assert.equal(originOfSender(chromiumSender("https://portal.example.jp/login?x=1#y")), "https://portal.example.jp");
  });

  test("is never derived from sender.url: a sender without origin (Firefox before 126) has none", () => {
    assert.equal(originOfSender({ id: EXTENSION_ID, url: "https://portal.example.jp/a" }), null);
    assert.equal(originOfSender({ id: EXTENSION_ID, url: "https://portal.example.jp/a", origin: "" }), null);
    assert.equal(originOfSender({ id: EXTENSION_ID }), null);
    assert.equal(originOfSender(undefined), null);
  });

  test("a request from a sender without origin is refused and the host never starts", async () => {
    const { host, bridge } = setUp(echo);
    const withoutOrigin = { id: EXTENSION_ID, url: "https://portal.example.jp/login", tab: { id: 7 }, frameId: 0 };
    for (const message of [{ command: "status" }, { command: "authenticate", userActivation: true, arguments: { challengeNonce: NONCE } }]) {
      const response = await bridge.handlePageRequest(withoutOrigin, message);
      assert.ok("error" in response && response.error.code === "insecure-origin", JSON.stringify(response));
    }
    assert.equal(host.names.length, 0);
  });

  test("the page's own origin argument is dropped and the sender's is sent", async () => {
    const { host, bridge } = setUp(echo);
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/login"), {
      command: "authenticate", userActivation: true,
      arguments: { origin: "https://bank.example.jp", challengeNonce: NONCE },
    });
    assert.deepEqual(host.requests, [
      { command: "authenticate", arguments: { challengeNonce: NONCE, origin: "https://portal.example.jp" } },
    ]);
    assert.ok("result" in response);
  });

  test("Firefox senders get their sender.origin", async () => {
    const { host, bridge } = setUp(echo);
    await bridge.handlePageRequest(firefoxSender("https://portal.example.jp:8443/x"), {
      command: "status",
      arguments: { origin: "https://other.example" },
    });
    assert.equal(host.requests[0].arguments.origin, "https://portal.example.jp:8443");
  });

  for (const url of [
    "http://portal.example.jp/",
    "http://localhost:8080/",
    "file:///home/user/page.html",
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop/page.html",
    "about:blank",
    "data:text/html,hello",
  ]) {
    test(`a page at ${url} is refused with insecure-origin and the host is never started`, async () => {
      const { host, bridge } = setUp(echo);
      const response = await bridge.handlePageRequest(firefoxSender(url), { command: "status", arguments: {} });
      assert.ok("error" in response);
      assert.equal(response.error.code, "insecure-origin");
      assert.equal(response.error.ja, catalogs.ja.error_insecure_origin.message);
      assert.equal(response.error.en, catalogs.en.error_insecure_origin.message);
      assert.equal(host.names.length, 0);
    });
  }

  test("a sandboxed frame's opaque origin is refused even on an https URL", async () => {
    const { host, bridge } = setUp(echo);
    const sender = { ...chromiumSender("https://portal.example.jp/"), origin: "null" };
    const response = await bridge.handlePageRequest(sender, { command: "status" });
    assert.ok("error" in response && response.error.code === "insecure-origin");
    assert.equal(host.names.length, 0);
  });
});

describe("development switch", () => {
  test("loopback http pages pass only when it is on", async () => {
    for (const url of ["http://localhost:8080/app", "http://127.0.0.1:3000/", "http://[::1]:8000/"]) {
      const off = setUp(echo, { settings: { allowHttpLoopback: false } });
      const refused = await off.bridge.handlePageRequest(firefoxSender(url), { command: "status" });
      assert.ok("error" in refused && refused.error.code === "insecure-origin", url);

      const on = setUp(echo, { settings: { allowHttpLoopback: true } });
      const allowed = await on.bridge.handlePageRequest(firefoxSender(url), { command: "status" });
      assert.ok("result" in allowed, url);
      assert.equal(on.host.requests[0].arguments.origin, new URL(url).origin);
    }
  });

  test("does not open plain http for other hosts", async () => {
    const { host, bridge } = setUp(echo, { settings: { allowHttpLoopback: true } });
    const response = await bridge.handlePageRequest(firefoxSender("http://portal.example.jp/"), { command: "status" });
    assert.ok("error" in response && response.error.code === "insecure-origin");
    assert.equal(host.names.length, 0);
  });

  test("a stored value that is not exactly true leaves it off", async () => {
    for (const stored of [{ allowHttpLoopback: "true" }, { allowHttpLoopback: 1 }, null, []]) {
      const { bridge } = setUp(echo, { settings: stored });
      const response = await bridge.handlePageRequest(firefoxSender("http://localhost/"), { command: "status" });
      assert.ok("error" in response && response.error.code === "insecure-origin", JSON.stringify(stored));
    }
  });

  test("isOriginAllowed allows exactly what the native host accepts (tests/bridge/origins.txt)", () => {
    const table = readFileSync(new URL("../../tests/bridge/origins.txt", import.meta.url), "utf8");
    let count = 0;
    for (const line of table.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const [origin, verdict, developmentVerdict = verdict] = line.split("\t");
      assert.equal(isOriginAllowed(origin, { allowHttpLoopback: false }), verdict === "accepted", origin);
      assert.equal(isOriginAllowed(origin, { allowHttpLoopback: true }), developmentVerdict === "accepted", `${origin} (development)`);
      count++;
    }
    assert.ok(count > 0, "no origins in the table");
  });

  test("isOriginAllowed refuses non-origins", () => {
    const off = { allowHttpLoopback: false };
    assert.equal(isOriginAllowed("https://portal.example.jp/path", off), false);
    assert.equal(isOriginAllowed("not a url", off), false);
    assert.equal(isOriginAllowed(null, off), false);
    assert.equal(isOriginAllowed("https://portal.example.jp", off), true);
  });
});

describe("requests", () => {
  test("go to the native host jp.jpki_bridge, one run per request, and the port is closed after the reply", async () => {
    const { host, bridge } = setUp({ reply: () => STATUS_REPLY });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.deepEqual(response, { result: { hostPresent: true } });
    assert.deepEqual(host.names, [HOST_NAME]);
    assert.equal(host.ports[0].disconnected, true);
    await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.equal(host.ports.length, 2);
  });

  test("the request is written only after the host's version", async () => {
    const { host, bridge } = setUp({ start: "silent", reply: () => ({}) });
    const pending = bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    await settle();
    assert.deepEqual(host.ports[0].posted, []);
    host.ports[0].receive({ version: "0.1.0" });
    await settle();
    assert.equal(host.ports[0].posted.length, 1);
    const response = await pending;
    assert.ok("result" in response);
  });

  test("the host's quit and unknown commands are refused without starting the host", async () => {
    for (const command of ["quit", "format-card", "ping"]) {
      const { host, bridge } = setUp(echo);
      const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command, userActivation: true });
      assert.ok("error" in response && response.error.code === "unknown-command", command);
      assert.equal(host.names.length, 0);
    }
  });

  test("arguments that are not an object are refused as invalid-request", async () => {
    const { host, bridge } = setUp(echo);
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), {
      command: "authenticate", userActivation: true,
      arguments: [NONCE],
    });
    assert.ok("error" in response && response.error.code === "invalid-request");
    assert.equal(host.names.length, 0);
  });

  test("other arguments reach the host unchanged, for it to validate", async () => {
    const { host, bridge } = setUp(echo);
    await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), {
      command: "sign", userActivation: true,
      arguments: { hash: "aGFzaA==", hashFunction: "SHA-256", certificate: "Y2VydA==", extra: 1 },
    });
    assert.deepEqual(host.requests[0].arguments, {
      hash: "aGFzaA==",
      hashFunction: "SHA-256",
      certificate: "Y2VydA==",
      extra: 1,
      origin: "https://portal.example.jp",
    });
  });

  test("a sender that is not a content script of this extension is refused", async () => {
    const { host, bridge } = setUp(echo);
    const noTab = { id: EXTENSION_ID, url: "https://portal.example.jp/", origin: "https://portal.example.jp" };
    const otherExtension = { ...chromiumSender("https://portal.example.jp/"), id: "someoneelse" };
    for (const sender of [noTab, otherExtension, undefined]) {
      const response = await bridge.handlePageRequest(sender, { command: "status" });
      assert.ok("error" in response && response.error.code === "invalid-request");
    }
    assert.equal(host.names.length, 0);
  });
});

describe("one pending request per tab", () => {
  test("a second request from the same tab is busy; another tab is not", async () => {
    const { host, bridge } = setUp({ reply: undefined });
    const first = bridge.handlePageRequest(chromiumSender("https://portal.example.jp/", 1), {
      command: "authenticate", userActivation: true,
      arguments: { challengeNonce: NONCE },
    });
    await settle();
    const second = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/", 1), { command: "status" });
    assert.ok("error" in second && second.error.code === "busy");
    assert.equal(second.error.ja, catalogs.ja.error_busy.message);
    assert.equal(host.ports.length, 1);

    const otherTab = bridge.handlePageRequest(chromiumSender("https://portal.example.jp/", 2), { command: "status" });
    await settle();
    assert.equal(host.ports.length, 2);

    // Answer both; tab 1 is free again.
    host.ports[0].receive({ signature: "x" });
    host.ports[1].receive(STATUS_REPLY);
    assert.ok("result" in (await first));
    assert.ok("result" in (await otherTab));
    assert.equal(bridge.isBusy("tab:1"), false);
    const third = bridge.handlePageRequest(chromiumSender("https://portal.example.jp/", 1), { command: "status" });
    await settle();
    host.ports[2].receive(STATUS_REPLY);
    assert.ok("result" in (await third));
  });

  test("a failed request frees the tab", async () => {
    const { bridge } = setUp({ start: "missing" });
    const sender = chromiumSender("https://portal.example.jp/", 3);
    const first = await bridge.handlePageRequest(sender, { command: "status" });
    assert.ok("error" in first && first.error.code === "host-missing");
    const second = await bridge.handlePageRequest(sender, { command: "status" });
    assert.ok("error" in second && second.error.code === "host-missing");
  });
});

describe("handshake", () => {
  test("no version within the handshake time is host-missing, and the port is closed", async () => {
    const { host, bridge } = setUp({ start: "silent" });
    const started = Date.now();
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.ok(Date.now() - started >= FAST.handshakeMs - 5);
    assert.ok("error" in response);
    assert.equal(response.error.code, "host-missing");
    assert.match(response.error.message, /no version/);
    assert.equal(response.error.en, catalogs.en.error_host_missing.message);
    assert.equal(host.ports[0].disconnected, true);
    assert.deepEqual(host.ports[0].posted, []);
  });

  test("a host that is not installed is host-missing, with the browser's reason (Firefox: port.error)", async () => {
    const { bridge } = setUp({ start: "missing" });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.ok("error" in response && response.error.code === "host-missing");
    assert.match(response.error.message, /not found/);
  });

  test("the reason is read from runtime.lastError where the port has none (Chromium)", async () => {
    const host = fakeNativeHost({ start: "silent" });
    const bridge = createBridge({
      connectNative: (name) => {
        const port = host.connectNative(name);
        setImmediate(() => {
          port.disconnected = true;
          port.onDisconnect.dispatch(port);
        });
        return port;
      },
      lastErrorMessage: () => "Specified native messaging host not found.",
      loadSettings: async () => ({}),
      loadTexts: async () => catalogs,
      extensionId: EXTENSION_ID,
      extensionBaseUrl: BASE_URL,
    tabState: ACTIVE_TAB,
      timeouts: FAST,
    });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.ok("error" in response && response.error.code === "host-missing");
    assert.match(response.error.message, /Specified native messaging host not found/);
  });

  test("connectNative throwing is host-missing", async () => {
    const bridge = createBridge({
      connectNative: () => {
        throw new Error("Access to the specified native messaging host is forbidden.");
      },
      loadSettings: async () => ({}),
      loadTexts: async () => catalogs,
      extensionId: EXTENSION_ID,
      extensionBaseUrl: BASE_URL,
    tabState: ACTIVE_TAB,
      timeouts: FAST,
    });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.ok("error" in response && response.error.code === "host-missing");
    assert.match(response.error.message, /forbidden/);
  });

  test("another major version is version-mismatch; the request is never written", async () => {
    for (const version of ["1.0.0", "2.3.4-rc1"]) {
      const { host, bridge } = setUp({ version, reply: () => STATUS_REPLY });
      const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
      assert.ok("error" in response && response.error.code === "version-mismatch", version);
      assert.equal(response.error.ja, catalogs.ja.error_version_mismatch.message);
      assert.deepEqual(host.ports[0].posted, []);
      assert.equal(host.ports[0].disconnected, true);
    }
  });

  test("a first frame without a version is version-mismatch", async () => {
    for (const firstFrame of [{ error: { code: "internal-error" } }, { version: 1 }, { version: "latest" }, "0.1.0"]) {
      const { bridge } = setUp({ firstFrame });
      const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
      assert.ok("error" in response && response.error.code === "version-mismatch", JSON.stringify(firstFrame));
    }
  });

  test("any 0.x host is accepted", () => {
    assert.equal(hostMajorVersion({ version: "0.1.0" }), 0);
    assert.equal(hostMajorVersion({ version: "0.27.3+git.abc" }), 0);
    assert.equal(hostMajorVersion({ version: "10.0.0" }), 10);
    assert.equal(hostMajorVersion({}), null);
  });
});

describe("only what a person asked for, in the page they look at", () => {
  const PORTAL = "https://portal.example.jp/";
  const login = { command: "authenticate", userActivation: true, arguments: { challengeNonce: NONCE } };

  test("without the page's user activation, a command that may open a dialog is user-action-required and the host never starts", async () => {
    const { host, bridge } = setUp(echo);
    for (const command of ["authenticate", "get-signing-certificate", "sign", "sign-cms", "read-attributes"]) {
      for (const userActivation of [undefined, false, "true", 1]) {
        const response = await bridge.handlePageRequest(chromiumSender(PORTAL), { command, userActivation, arguments: {} });
        assert.ok("error" in response && response.error.code === "user-action-required", `${command} ${userActivation}`);
        assert.equal(response.error.ja, catalogs.ja.error_user_action_required.message);
      }
    }
    assert.equal(host.ports.length, 0);
  });

  test("the next step of a success (the certificate, then the signature) needs no new click for 30 s, in that tab only", async () => {
    let clock = 5_000_000;
    const { host, bridge } = setUp(echo, { now: () => clock });
    const sign = { command: "sign", arguments: {} };
    const certificate = await bridge.handlePageRequest(chromiumSender(PORTAL), { command: "get-signing-certificate", userActivation: true });
    assert.ok("result" in certificate);
    clock += 29_000;
    assert.ok("result" in (await bridge.handlePageRequest(chromiumSender(PORTAL), sign)), "the signature 29 s later");
    const otherTab = await bridge.handlePageRequest(chromiumSender(PORTAL, 8), sign);
    assert.ok("error" in otherTab && otherTab.error.code === "user-action-required", "another tab");
    clock += 31_000;
    const late = await bridge.handlePageRequest(chromiumSender(PORTAL), sign);
    assert.ok("error" in late && late.error.code === "user-action-required", "31 s after the last success");
    assert.equal(host.ports.length, 2);
  });

  test("status opens no dialog and needs no user activation", async () => {
    const { host, bridge } = setUp(echo);
    const response = await bridge.handlePageRequest(chromiumSender(PORTAL), { command: "status" });
    assert.ok("result" in response, JSON.stringify(response));
    assert.equal(host.ports.length, 1);
  });

  test("a page's status tells only that the host is there, and after a click whether a card is in", async () => {
    /** @type {unknown} */
    let reply = STATUS_REPLY;
    const { bridge } = setUp({ reply: () => reply });
    /** @param {boolean} userActivation */
    const ask = (userActivation) => bridge.handlePageRequest(chromiumSender(PORTAL), { command: "status", userActivation });
    assert.deepEqual(await ask(false), { result: { hostPresent: true } });
    assert.deepEqual(await ask(true), { result: { hostPresent: true, cardPresent: true } });
    reply = { error: { code: "no-card", message: "no card", ja: "カードなし", en: "No card" } };
    assert.deepEqual(await ask(false), { result: { hostPresent: true } });
    assert.deepEqual(await ask(true), { result: { hostPresent: true, cardPresent: false } });
    reply = { error: { code: "no-reader", message: "no reader", ja: "リーダーなし", en: "No reader" } };
    assert.deepEqual(await ask(false), { result: { hostPresent: true } }, "without a click, not even whether a reader is there");
    const noReader = await ask(true);
    assert.ok("error" in noReader && noReader.error.code === "no-reader", "after a click, what the person must do");
    reply = { error: { code: "io-error", message: "x", ja: "x", en: "x" } };
    const failed = await ask(false);
    assert.ok("error" in failed && failed.error.code === "io-error");
  });

  test("a frame inside the page, a background tab and a window without the focus get not-active-tab", async () => {
    const inFrame = setUp(echo);
    const framed = await inFrame.bridge.handlePageRequest({ ...chromiumSender(PORTAL), frameId: 3 }, login);
    assert.ok("error" in framed && framed.error.code === "not-active-tab", JSON.stringify(framed));
    assert.equal(inFrame.host.ports.length, 0);
    for (const state of [{ active: false, focused: true }, { active: true, focused: false }]) {
      const { host, bridge } = setUp(echo, { tabState: async () => state });
      for (const message of [login, { command: "status" }]) {
        const response = await bridge.handlePageRequest(chromiumSender(PORTAL), message);
        assert.ok("error" in response && response.error.code === "not-active-tab", JSON.stringify(state));
        assert.equal(response.error.en, catalogs.en.error_not_active_tab.message);
      }
      assert.equal(host.ports.length, 0);
    }
    const gone = setUp(echo, { tabState: async () => Promise.reject(new Error("No tab with id: 7")) });
    const closed = await gone.bridge.handlePageRequest(chromiumSender(PORTAL), login);
    assert.ok("error" in closed && closed.error.code === "not-active-tab");
  });

  test("after a cancel or a wrong PIN the site waits, longer each time, and a success ends it", async () => {
    let clock = 1_000_000;
    /** @type {unknown} */
    let hostError = { code: "cancelled", message: "closed" };
    const { host, bridge } = setUp({ reply: () => (hostError === null ? { ok: true } : { error: hostError }) }, { now: () => clock });
    const ask = (/** @type {string} */ url = PORTAL) => bridge.handlePageRequest(chromiumSender(url), login);
    /** @param {unknown} response */
    const code = (response) => /** @type {any} */ (response).error?.code ?? "ok";

    assert.equal(code(await ask()), "user-cancelled");
    const refused = await ask();
    assert.equal(code(refused), "retry-later");
    assert.ok("error" in refused);
    assert.equal(refused.error.retryAfterSeconds, 2);
    assert.equal(refused.error.ja, catalogs.ja.error_retry_later.message);
    assert.equal(host.ports.length, 1, "no dialog during the wait");
    assert.equal(code(await ask("https://other.example.jp/")), "user-cancelled", "another site has its own wait");

    clock += 2_000;
    hostError = { code: "pin-incorrect", message: "wrong", triesLeft: 2 };
    assert.equal(code(await ask()), "pin-incorrect");
    clock += 2_000;
    const longer = await ask();
    assert.ok("error" in longer && longer.error.code === "retry-later" && longer.error.retryAfterSeconds === 2, "4 s after the second");
    clock += 2_000;
    hostError = { code: "no-card", message: "none" };
    assert.equal(code(await ask()), "no-card", "the wait is over; other failures add nothing");
    assert.equal(code(await ask()), "no-card");
    hostError = null;
    assert.equal(code(await ask()), "ok");
    hostError = { code: "cancelled", message: "closed" };
    assert.equal(code(await ask()), "user-cancelled");
    const reset = await ask();
    assert.ok("error" in reset && reset.error.retryAfterSeconds === 2, "after a success the wait starts again from 2 s");
  });

  test("one dialog in the whole browser: another tab's request is busy while a dialog is open", async () => {
    const { host, bridge } = setUp({});
    const first = bridge.handlePageRequest(chromiumSender(PORTAL, 1), login);
    await waitFor(() => host.requests.length === 1);
    const second = await bridge.handlePageRequest(chromiumSender("https://other.example.jp/", 2), login);
    assert.ok("error" in second && second.error.code === "busy", JSON.stringify(second));
    assert.equal(host.ports.length, 1);
    const status = await bridge.handlePageRequest(chromiumSender("https://other.example.jp/", 2), { command: "status" });
    assert.ok(!("error" in status && status.error.code === "busy"), "status opens no dialog and is not held up");
    await first;
  });
});

describe("errors", () => {
  /**
   * @param {unknown} hostError
   * @param {string} [command]
   */
  const withHostError = async (hostError, command = "authenticate") => {
    const { host, bridge } = setUp({ reply: () => ({ error: hostError }) });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), {
      command,
      userActivation: true,
      arguments: command === "authenticate" ? { challengeNonce: NONCE } : {},
    });
    assert.equal(host.ports[0].disconnected, true);
    assert.ok("error" in response);
    return response.error;
  };

  test("the host's cancelled is user-cancelled, with the host's texts", async () => {
    const error = await withHostError({ code: "cancelled", message: "the user closed the dialog", ja: "キャンセル", en: "Cancelled" });
    assert.deepEqual(error, { code: "user-cancelled", message: "the user closed the dialog", ja: "キャンセル", en: "Cancelled" });
  });

  test("the host's own codes pass through with message, ja, en and triesLeft", async () => {
    const error = await withHostError({
      code: "pin-incorrect",
      message: "wrong PIN",
      ja: "暗証番号が違います。残り2回です。",
      en: "Wrong PIN. 2 tries left.",
      triesLeft: 2,
    });
    assert.deepEqual(error, {
      code: "pin-incorrect",
      message: "wrong PIN",
      ja: "暗証番号が違います。残り2回です。",
      en: "Wrong PIN. 2 tries left.",
      triesLeft: 2,
    });
    for (const code of ["pin-blocked", "no-card", "no-reader", "origin-not-allowed", "certificate-expired", "timeout"]) {
      const passed = await withHostError({ code, message: code, ja: `ja ${code}`, en: `en ${code}` });
      assert.equal(passed.code, code);
      assert.equal(passed.ja, `ja ${code}`);
    }
  });

  test("a host error without texts gets the extension's (or the generic) texts", async () => {
    const invalid = await withHostError({ code: "invalid-request", message: "bad key" });
    assert.equal(invalid.ja, catalogs.ja.error_invalid_request.message);
    const strange = await withHostError({ code: "something-new" });
    assert.equal(strange.code, "something-new");
    assert.equal(strange.en, catalogs.en.error_unknown.message);
  });

  test("a malformed reply is internal-error", async () => {
    for (const reply of [[1, 2], "text", { error: "bad" }, { error: { code: "" } }]) {
      const { bridge } = setUp({ reply: () => reply });
      const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
      assert.ok("error" in response && response.error.code === "internal-error", JSON.stringify(reply));
    }
  });

  test("no reply within the user-interaction time is host-timeout, and the port is closed", async () => {
    const { host, bridge } = setUp({ reply: undefined });
    const started = Date.now();
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), {
      command: "authenticate", userActivation: true,
      arguments: { challengeNonce: NONCE },
    });
    const elapsed = Date.now() - started;
    assert.ok("error" in response && response.error.code === "host-timeout");
    assert.ok(elapsed >= FAST.interactiveMs - 5, `waited ${elapsed} ms`);
    assert.equal(host.ports[0].disconnected, true);
  });

  test("status has the shorter timeout", async () => {
    const { bridge } = setUp({ reply: undefined });
    const started = Date.now();
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    const elapsed = Date.now() - started;
    assert.ok("error" in response && response.error.code === "host-timeout");
    assert.ok(elapsed < FAST.interactiveMs, `waited ${elapsed} ms`);
  });

  test("a host that exits after the request without a reply is host-disconnected", async () => {
    const { bridge } = setUp({ crashAfterRequest: true });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.ok("error" in response && response.error.code === "host-disconnected");
    assert.equal(response.error.ja, catalogs.ja.error_host_disconnected.message);
  });

  test("every code the extension makes has Japanese and English texts in _locales", () => {
    for (const code of EXTENSION_ERROR_CODES) {
      const texts = errorTexts(catalogs, code);
      assert.notEqual(texts.ja, catalogs.ja.error_unknown.message, code);
      assert.notEqual(texts.en, catalogs.en.error_unknown.message, code);
    }
  });

  test("without its catalogues the extension still answers with the code", async () => {
    const bridge = createBridge({
      connectNative: fakeNativeHost({ start: "missing" }).connectNative,
      loadSettings: async () => ({}),
      loadTexts: async () => {
        throw new Error("fetch failed");
      },
      extensionId: EXTENSION_ID,
      extensionBaseUrl: BASE_URL,
    tabState: ACTIVE_TAB,
      timeouts: FAST,
    });
    const response = await bridge.handlePageRequest(chromiumSender("https://portal.example.jp/"), { command: "status" });
    assert.ok("error" in response);
    assert.equal(response.error.code, "host-missing");
    assert.equal(response.error.ja, "host-missing");
  });
});

describe("ports", () => {
  /**
   * @param {string} name
   * @param {object} sender
   */
  const contentPort = (name, sender) => new FakePort(name, sender);

  test("a page port gets one answer and is then disconnected", async () => {
    const { host, bridge } = setUp({ reply: () => STATUS_REPLY });
    const port = contentPort(PAGE_PORT, chromiumSender("https://portal.example.jp/"));
    bridge.acceptPort(port);
    port.onMessage.dispatch({ command: "status", arguments: {} }, port);
    await waitFor(() => port.disconnected);
    assert.deepEqual(port.posted, [{ result: { hostPresent: true } }]);
    assert.equal(port.disconnected, true);
    assert.equal(host.ports[0].disconnected, true);
  });

  test("when the page goes away the host's port is closed (its dialog closes)", async () => {
    const { host, bridge } = setUp({ reply: undefined });
    const port = contentPort(PAGE_PORT, chromiumSender("https://portal.example.jp/"));
    bridge.acceptPort(port);
    port.onMessage.dispatch({ command: "authenticate", userActivation: true, arguments: { challengeNonce: NONCE } }, port);
    await settle();
    await settle();
    assert.equal(host.ports.length, 1);
    assert.equal(host.ports[0].disconnected, false);
    port.drop();
    await settle();
    assert.equal(host.ports[0].disconnected, true);
    assert.deepEqual(port.posted, []);
    assert.equal(bridge.isBusy("tab:7"), false);
  });

  test("ports of other names are closed at once", () => {
    const { bridge } = setUp(echo);
    const port = contentPort("something-else", chromiumSender("https://portal.example.jp/"));
    bridge.acceptPort(port);
    assert.equal(port.disconnected, true);
  });

  test("the popup's status uses the pseudo-origin and reports the host version", async () => {
    const { host, bridge } = setUp({ version: "0.1.0", reply: () => STATUS_REPLY });
    const port = contentPort(EXTENSION_STATUS_PORT, { id: EXTENSION_ID, url: `${BASE_URL}popup.html` });
    bridge.acceptPort(port);
    port.onMessage.dispatch({ command: "status", arguments: { origin: "https://ignored.example" } }, port);
    await waitFor(() => port.disconnected);
    assert.deepEqual(host.requests, [{ command: "status", arguments: { origin: EXTENSION_PSEUDO_ORIGIN } }]);
    assert.deepEqual(port.posted, [{ hostVersion: "0.1.0", result: STATUS_REPLY }]);
    assert.equal(port.disconnected, true);
  });

  test("the popup learns the host's version on a mismatch", async () => {
    const { bridge } = setUp({ version: "1.2.0" });
    const answer = await bridge.handleExtensionStatus({ id: EXTENSION_ID, url: `${BASE_URL}popup.html` });
    assert.equal(answer.hostVersion, "1.2.0");
    assert.ok("error" in answer && answer.error.code === "version-mismatch");
  });

  test("a web page cannot use the extension's status port (and its pseudo-origin)", async () => {
    const { host, bridge } = setUp({ reply: () => STATUS_REPLY });
    const port = contentPort(EXTENSION_STATUS_PORT, chromiumSender("https://portal.example.jp/"));
    bridge.acceptPort(port);
    port.onMessage.dispatch({ command: "status" }, port);
    await waitFor(() => port.disconnected);
    assert.equal(host.names.length, 0);
    assert.equal(/** @type {any} */ (port.posted[0]).error.code, "invalid-request");
  });
});
