// mynaportal.js: the government portals' protocol over the host, with a fake host; and in the
// background (bridge-core.js), behind the page library's gate.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { createBridge } from "../bridge-core.js";
import {
  createPortalService,
  FAILED_BEFORE_CARD,
  hostCommandFor,
  platformScriptFor,
  portalFailure,
  portalSuccess,
} from "../mynaportal.js";
import { fakeNativeHost, waitFor } from "./support/fake-browser.js";
import { catalogs } from "./support/locales.js";

const EXTENSION_ID = "aiggbfaepgjdkmjpdmgaocidapelfklm";
const PORTAL = "https://myna.go.jp";

/**
 * A portal service whose host serves PORTAL and answers `replies[command]`.
 * @param {Record<string, unknown>} replies
 */
function service(replies = {}) {
  /** @type {{command: string, arguments: Record<string, unknown>}[]} */
  const sent = [];
  const portal = createPortalService({
    extensionId: EXTENSION_ID,
    originOf: (sender) => (sender?.url === undefined ? null : new URL(sender.url).origin),
    runCommand: async (request) => {
      sent.push(request);
      if (request.command === "portal-origins") return { origins: [PORTAL] };
      return replies[request.command] ?? { error: { code: "internal-error" } };
    },
    mapReply: (reply) => (/** @type {any} */ (reply).error !== undefined ? { error: /** @type {any} */ (reply).error } : { result: reply }),
    exclusive: (_key, work) => work(),
    checkPersonLooks: async () => {},
    withDialog: (_page, run) => run(),
  });
  return { portal, sent };
}

/** @param {string} url @param {number} [frameId] */
const sender = (url, frameId = 0) => ({ id: EXTENSION_ID, url, tab: { id: 7 }, frameId });

describe("the portals' protocol", () => {
  test("maps modes 01, 02 and 04 to the host's portal commands and answers 05 itself", () => {
    assert.deepEqual(hostCommandFor({ mode: "01", service_id: "01", digest: "AAAA" }), {
      command: "portal-login",
      arguments: { toBeSigned: "AAAA" },
    });
    assert.deepEqual(hostCommandFor({ mode: "02", digest: "AAAA" }), { command: "portal-sign", arguments: { digests: ["AAAA"] } });
    assert.deepEqual(hostCommandFor({ mode: "02", digest: ["AAAA", "BBBB"] }), {
      command: "portal-sign",
      arguments: { digests: ["AAAA", "BBBB"] },
    });
    assert.deepEqual(hostCommandFor({ mode: "04" }), { command: "portal-attributes", arguments: {} });
    assert.equal(hostCommandFor({ mode: "05" }), null);
    assert.throws(() => hostCommandFor({ mode: "03" }), { code: "invalid-request" });
    assert.throws(() => hostCommandFor({ mode: "01" }), { code: "invalid-request" });
  });

  test("writes replies as the protocol does: snake case, certificates without padding", () => {
    const identity = { uuid: "00".repeat(16), combinationCode: "ab".repeat(32) };
    assert.deepEqual(portalSuccess({ mode: "01" }, { ...identity, signature: "c2ln", certificate: "Y2VydA==" }), {
      mode: "01",
      result: "0",
      uuid: identity.uuid,
      combination_code: identity.combinationCode,
      signature: "c2ln",
      certificate: "Y2VydA",
    });
    const signed = portalSuccess({ mode: "02" }, { ...identity, signatures: ["YQ==", "Yg=="], certificate: "Y2VydA==" });
    assert.deepEqual(signed.signature, ["YQ==", "Yg=="]);
    const attributes = portalSuccess({ mode: "04" }, { ...identity, name: "e3", sex: "31", address: "e4", birthday: "31" });
    assert.deepEqual(Object.keys(attributes).sort(), ["address", "birthday", "combination_code", "mode", "name", "result", "sex", "uuid"]);
  });

  test("a failure before the card gives the page its own request with EW044-C300", () => {
    const request = { mode: "01", service_id: "01", digest: "AAAA" };
    for (const code of ["host-missing", "user-cancelled", "not-a-portal-origin", "timeout"]) {
      assert.deepEqual(portalFailure(request, { code }), { ...request, result: "1", errcode: FAILED_BEFORE_CARD });
    }
    assert.deepEqual(portalFailure(request, { code: "pin-incorrect", ja: "暗証番号が違います。" }), {
      mode: "01",
      result: "1",
      message: "暗証番号が違います。",
    });
    // A blocked PIN (never asked for) and a card problem are the card's answers: a message.
    for (const code of ["pin-blocked", "no-card", "card-removed", "certificate-expired"]) {
      const reply = portalFailure(request, { code, ja: `${code} の説明` });
      assert.deepEqual(reply, { mode: "01", result: "1", message: `${code} の説明` });
    }
  });

  test("the Windows presentation is registered only for opted-in origins the host serves", () => {
    assert.equal(platformScriptFor([], [PORTAL]), null);
    assert.equal(platformScriptFor(["https://evil.example"], [PORTAL]), null);
    const script = platformScriptFor([PORTAL, "https://evil.example"], [PORTAL, "https://localhost:8443"]);
    assert.deepEqual(script?.matches, ["https://myna.go.jp/*"]);
    assert.equal(script?.world, "MAIN");
    assert.equal(script?.runAt, "document_start");
    assert.deepEqual(platformScriptFor(["https://localhost:8443"], ["https://localhost:8443"])?.matches, ["https://localhost/*"]);
  });

  test("a page outside the portal origins is told no and its launchApp reaches no host command", async () => {
    const { portal, sent } = service();
    assert.deepEqual(await portal.handle(sender("https://evil.example/x"), { kind: "probe" }), { portal: false });
    assert.deepEqual(await portal.handle(sender("https://evil.example/x"), { kind: "launch", detail: '{"mode":"01","digest":"AAAA"}' }), {});
    assert.deepEqual(sent.map((r) => r.command), ["portal-origins"]);
  });

  test("a frame inside a portal page is not served", async () => {
    const { portal } = service();
    assert.deepEqual(await portal.handle(sender(`${PORTAL}/frame`, 3), { kind: "probe" }), {});
  });

  test("a portal's login goes to the host with the browser's origin, not the page's", async () => {
    const { portal, sent } = service({
      "portal-login": { uuid: "u", combinationCode: "c", signature: "s", certificate: "Y2VydA==" },
    });
    assert.deepEqual(await portal.handle(sender(`${PORTAL}/login`), { kind: "probe" }), { portal: true });
    const detail = JSON.stringify({ mode: "01", service_id: "01", digest: "AAAA", origin: "https://evil.example" });
    const answer = /** @type {{detail: string}} */ (await portal.handle(sender(`${PORTAL}/login`), { kind: "launch", detail }));
    assert.deepEqual(sent.at(-1), { command: "portal-login", arguments: { toBeSigned: "AAAA", origin: PORTAL } });
    assert.deepEqual(JSON.parse(answer.detail), {
      mode: "01",
      result: "0",
      uuid: "u",
      combination_code: "c",
      signature: "s",
      certificate: "Y2VydA",
    });
    // The portal list was asked once.
    assert.equal(sent.filter((r) => r.command === "portal-origins").length, 1);
  });

  test("the host's failure reaches the page in the protocol's shape", async () => {
    const { portal } = service({ "portal-sign": { error: { code: "pin-blocked", ja: "ロックされています。" } } });
    const detail = JSON.stringify({ mode: "02", service_id: "01", digest: ["AAAA"] });
    const answer = /** @type {{detail: string}} */ (await portal.handle(sender(`${PORTAL}/apply`), { kind: "launch", detail }));
    assert.deepEqual(JSON.parse(answer.detail), { mode: "02", result: "1", message: "ロックされています。" });
  });

  test("a host that cannot be started gives the page its own request with EW044-C300", async () => {
    const portal = createPortalService({
      extensionId: EXTENSION_ID,
      originOf: () => PORTAL,
      runCommand: async (request) => {
        if (request.command === "portal-origins") return { origins: [PORTAL] };
        throw Object.assign(new Error("no host"), { code: "host-missing" });
      },
      mapReply: (reply) => ({ result: reply }),
      exclusive: (_key, work) => work(),
      checkPersonLooks: async () => {},
      withDialog: (_page, run) => run(),
    });
    const request = { mode: "01", service_id: "01", digest: "AAAA" };
    const answer = /** @type {{detail: string}} */ (
      await portal.handle(sender(`${PORTAL}/`), { kind: "launch", detail: JSON.stringify(request) })
    );
    assert.deepEqual(JSON.parse(answer.detail), { ...request, result: "1", errcode: FAILED_BEFORE_CARD });
  });

  test("the host's list is kept for the session: a background woken again does not ask it", async () => {
    /** @type {unknown} */
    let kept;
    const cache = { load: async () => kept, save: async (/** @type {string[]} */ origins) => void (kept = origins) };
    let asked = 0;
    const make = () =>
      createPortalService({
        extensionId: EXTENSION_ID,
        originOf: () => PORTAL,
        runCommand: async () => {
          asked++;
          return { origins: [PORTAL] };
        },
        mapReply: (reply) => ({ result: reply }),
        exclusive: (_key, work) => work(),
        checkPersonLooks: async () => {},
        withDialog: (_page, run) => run(),
        cache,
      });
    assert.deepEqual(await make().handle(sender(`${PORTAL}/`), { kind: "probe" }), { portal: true });
    assert.deepEqual(await make().handle(sender(`${PORTAL}/`), { kind: "probe" }), { portal: true });
    assert.equal(asked, 1);
  });

  test("close (05) is answered without the host", async () => {
    const { portal, sent } = service();
    const answer = /** @type {{detail: string}} */ (
      await portal.handle(sender(`${PORTAL}/`), { kind: "launch", detail: '{"mode":"05","service_id":"01"}' })
    );
    assert.deepEqual(JSON.parse(answer.detail), { mode: "05", result: "0" });
    assert.deepEqual(sent.map((r) => r.command), ["portal-origins"]);
  });
});

/**
 * The background with a host that serves PORTAL and answers the portal commands with
 * `answer(request)` (undefined: never).
 * @param {(request: any) => unknown} answer
 * @param {{tabState?: () => Promise<{active: boolean, focused: boolean}>, now?: () => number}} [options]
 */
function background(answer, options = {}) {
  /** @type {import("./support/fake-browser.js").HostScript} */
  const script = { reply: (request) => (request.command === "portal-origins" ? { origins: [PORTAL] } : answer(request)) };
  const host = fakeNativeHost(script);
  const bridge = createBridge({
    connectNative: host.connectNative,
    lastErrorMessage: () => undefined,
    loadSettings: async () => ({}),
    loadTexts: async () => catalogs,
    extensionId: EXTENSION_ID,
    extensionBaseUrl: `chrome-extension://${EXTENSION_ID}/`,
    tabState: options.tabState ?? (async () => ({ active: true, focused: true })),
    now: options.now,
    // Long enough that a dialog left open stays open on a loaded machine.
    timeouts: { handshakeMs: 5_000, statusMs: 5_000, interactiveMs: 30_000 },
  });
  /** The portal commands the host was given (not its list of portals). */
  const portalCommands = () => host.requests.filter((request) => request.command !== "portal-origins");
  return { bridge, portalCommands, script };
}

const LOGIN = { mode: "01", service_id: "01", digest: "AAAA" };
const LOGGED_IN = { uuid: "u", combinationCode: "c", signature: "s", certificate: "Y2VydA==" };

/**
 * One launchApp from the portal's top frame, as mynaportal-content.js sends it; resolves to the
 * page's recvMsg detail, parsed.
 * @param {ReturnType<typeof createBridge>} bridge
 * @param {Record<string, unknown>} request
 * @param {{userActivation?: boolean, tabId?: number}} [options]
 */
async function launch(bridge, request, { userActivation = true, tabId = 7 } = {}) {
  const sender = { id: EXTENSION_ID, url: `${PORTAL}/`, origin: PORTAL, tab: { id: tabId }, frameId: 0 };
  const answer = /** @type {{detail: string}} */ (
    await bridge.portal.handle(sender, { kind: "launch", detail: JSON.stringify(request), userActivation })
  );
  return JSON.parse(answer.detail);
}

/** @param {Record<string, unknown>} request */
const failedBeforeCard = (request) => ({ ...request, result: "1", errcode: FAILED_BEFORE_CARD });

describe("the portals' protocol behind the page library's gate", () => {
  test("a portal page in a background tab, a window without the focus or a closed tab gets its own request back, and the host is not asked", async () => {
    const states = [
      async () => ({ active: false, focused: true }),
      async () => ({ active: true, focused: false }),
      async () => Promise.reject(new Error("No tab with id: 7")),
    ];
    for (const tabState of states) {
      const { bridge, portalCommands } = background(() => LOGGED_IN, { tabState });
      assert.deepEqual(await launch(bridge, LOGIN), failedBeforeCard(LOGIN));
      assert.deepEqual(portalCommands(), []);
    }
  });

  test("a launchApp without the person's click gets its own request back, unless it is the next step of a success in that tab", async () => {
    let clock = 1_000_000;
    const { bridge, portalCommands } = background(() => LOGGED_IN, { now: () => clock });
    assert.deepEqual(await launch(bridge, LOGIN, { userActivation: false }), failedBeforeCard(LOGIN));
    assert.deepEqual(portalCommands(), []);
    assert.equal((await launch(bridge, LOGIN)).result, "0");
    const sign = { mode: "02", service_id: "01", digest: ["AAAA"] };
    clock += 29_000;
    assert.equal((await launch(bridge, sign, { userActivation: false })).result, "0", "the signature after the attributes");
    assert.deepEqual(await launch(bridge, sign, { userActivation: false, tabId: 8 }), failedBeforeCard(sign), "another tab");
    clock += 31_000;
    assert.deepEqual(await launch(bridge, sign, { userActivation: false }), failedBeforeCard(sign), "31 s later");
    assert.equal(portalCommands().length, 2);
  });

  test("after a cancel or a wrong PIN a launchApp inside the wait opens no dialog; after it the portal may ask again", async () => {
    let clock = 2_000_000;
    /** @type {unknown} */
    let hostReply = { error: { code: "cancelled", message: "closed" } };
    const { bridge, portalCommands } = background(() => hostReply, { now: () => clock });
    assert.deepEqual(await launch(bridge, LOGIN), failedBeforeCard(LOGIN), "the cancel itself");
    assert.deepEqual(await launch(bridge, LOGIN), failedBeforeCard(LOGIN), "inside the wait");
    assert.equal(portalCommands().length, 1, "no dialog during the wait");
    clock += 2_000;
    hostReply = { error: { code: "pin-incorrect", message: "wrong", ja: "暗証番号が違います。", triesLeft: 2 } };
    assert.deepEqual(await launch(bridge, LOGIN), { mode: "01", result: "1", message: "暗証番号が違います。" });
    clock += 2_000;
    assert.deepEqual(await launch(bridge, LOGIN), failedBeforeCard(LOGIN), "4 s after the second setback");
    clock += 2_000;
    hostReply = LOGGED_IN;
    assert.equal((await launch(bridge, LOGIN)).result, "0");
    assert.equal(portalCommands().length, 3);
  });

  test("one dialog in the whole browser: a portal's launchApp while another site's dialog is open is refused", async () => {
    const { bridge, portalCommands, script } = background(() => LOGGED_IN);
    const portalTab = { id: EXTENSION_ID, url: `${PORTAL}/`, origin: PORTAL, tab: { id: 7 }, frameId: 0 };
    assert.deepEqual(await bridge.portal.handle(portalTab, { kind: "probe" }), { portal: true });
    const other = { id: EXTENSION_ID, url: "https://other.example.jp/", origin: "https://other.example.jp", tab: { id: 3 }, frameId: 0 };
    // From now on the host never answers: the other site's dialog stays open until the timeout.
    delete script.reply;
    const closed = new AbortController();
    const login = { command: "authenticate", userActivation: true, arguments: { challengeNonce: "A".repeat(43) + "=" } };
    const open = bridge.handlePageRequest(other, login, closed.signal);
    await waitFor(() => portalCommands().length === 1);
    assert.deepEqual(await launch(bridge, LOGIN), failedBeforeCard(LOGIN));
    assert.deepEqual(portalCommands().map((request) => request.command), ["authenticate"], "only the other site's");
    closed.abort(); // the other tab goes away, which closes its dialog
    await open;
  });
});
