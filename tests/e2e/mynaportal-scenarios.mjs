// The government portals' own page protocol (docs/mynaportal.md) in a real browser: a mock
// portal (mock-mynaportal.mjs) whose origin the test adds to host.conf's portal-origins, the
// extension, this build's host and the simulated card, with the scripted pinentry as the
// resident. The scenarios run in order and share the browser: opt-in, login, e-application,
// close, the failures, a page outside the allowlist, and taking the opt-in back.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import * as h from "./harness.mjs";
import { readManufactureNumber, startMockPortal } from "./mock-mynaportal.mjs";

const FAILED_BEFORE_CARD = "EW044-C300";

/**
 * Clicks the portal's button `name` (login, apply, close) as the resident does, and resolves to
 * what its flow ended with: what the portal's page saw and its server said.
 */
async function onPortal(page, name) {
  await page.bringToFront();
  await page.click(`#${name}`);
  return page.evaluate(() => window.mockResult);
}

/**
 * After a cancel or a wrong PIN the extension makes the portal wait before its next dialog
 * (extension/backoff.js): 2 s after the first, 4 s after the second in a row.
 */
const waitOutBackOff = (setbacks) => sleep(2 ** setbacks * 1_000 + 100);

/** The SETDESC texts of the dialogs since the last pinentry.set(). */
function descriptions(pinentry) {
  return pinentry.log().filter((entry) => entry.startsWith("SETDESC ")).map((entry) => entry.slice(8));
}

async function openPortal(s, origin = s.portal.origin) {
  await s.page.goto(`${origin}/`);
}

/** Waits until the extension's hidden inputs are on the portal's page. */
async function waitForDetection(s) {
  return h.waitInPage(s.page, () => (window.mock.detected().extension !== null ? window.mock.detected() : null), undefined,
    "the extension's hidden inputs");
}

/** The options page's checkbox for presenting the browser as Windows on `origin`. */
async function choosePlatform(s, origin, checked) {
  const options = await s.browser.newPage();
  try {
    await s.browser.openExtensionPage(options, "options.html");
    await h.waitInPage(options, () => document.body.dataset.portalsLoaded === "true", undefined, "the options' portal list");
    const selector = `input[data-origin="${origin}"]`;
    const current = await options.evaluate((sel) => document.querySelector(sel)?.checked ?? null, selector);
    assert.notEqual(current, null, `the options list ${origin}`);
    if (current !== checked) await options.click(selector);
    await h.waitInPage(options, () => !document.getElementById("saved").hidden || null, undefined, "saved");
  } finally {
    await options.close();
  }
}

/** Reloads the portal until its page sees the platform `windows` or not. */
async function waitForPlatform(s, windows) {
  const deadline = Date.now() + 20000;
  for (;;) {
    await openPortal(s);
    if ((await s.page.evaluate(() => window.mock.supported())) === windows) return;
    if (Date.now() > deadline) throw new Error(`the portal still sees ${windows ? "no " : ""}Windows after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const SCENARIOS = [
  [
    "opt-in off: the portal finds the extension's inputs but refuses the Linux browser, and nothing is asked",
    async (s) => {
      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      await openPortal(s);
      assert.deepEqual(await waitForDetection(s), { extension: "24", app: "29" });
      assert.match(await s.page.evaluate(() => navigator.userAgent), /Linux/);
      assert.deepEqual(await onPortal(s.page, "login"), { refused: true });
      assert.equal(s.pinentry.log().length, 0, "no dialog");
    },
  ],
  [
    "opting in on the options page presents the browser as Windows on that portal only",
    async (s) => {
      await choosePlatform(s, s.portal.origin, true);
      await waitForPlatform(s, true);
      const agent = await s.page.evaluate(() => ({ ua: navigator.userAgent, platform: navigator.platform }));
      assert.match(agent.ua, /Windows NT 10\.0; Win64; x64/);
      assert.doesNotMatch(agent.ua, /Linux/);
      assert.equal(agent.platform, "Win32");
      if (s.kind === "chromium") {
        assert.equal(await s.page.evaluate(() => navigator.userAgentData.platform), "Windows");
      }
      // Another origin of the same server is left alone.
      await openPortal(s, s.portal.otherOrigin);
      assert.match(await s.page.evaluate(() => navigator.userAgent), /Linux/);
    },
  ],
  [
    "login (01): the portal's server verifies the signature, the chain and combination_code; the dialog names the portal",
    async (s) => {
      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      await openPortal(s);
      await waitForDetection(s);
      const { answer, verdict } = await onPortal(s.page, "login");
      assert.equal(answer.type, "string", "recvMsg's detail is a JSON string");
      assert.equal(answer.bubbles, true);
      assert.equal(answer.reply.mode, "01");
      assert.equal(answer.reply.result, "0", JSON.stringify(answer.reply));
      assert.deepEqual(verdict, { uuid: true, combinationCode: true, certificateUnpadded: true, chain: true, signature: true });
      assert.equal(s.pinentry.count("GETPIN"), 1);
      assert.ok(descriptions(s.pinentry).some((text) => text.includes(s.portal.origin)), "the dialog names the portal");
      s.uuid = answer.reply.uuid;
    },
  ],
  [
    "e-application: attributes (04) then two documents signed (02) after one signing password",
    async (s) => {
      s.pinentry.set({ PINS: `${h.TEST_PINS.support};${h.TEST_PINS.sign}` });
      await openPortal(s);
      await waitForDetection(s);
      const { attributes, signed, verdict } = await onPortal(s.page, "apply");
      assert.equal(attributes.reply.result, "0", JSON.stringify(attributes.reply));
      assert.equal(signed.reply.result, "0", JSON.stringify(signed.reply));
      assert.equal(signed.reply.signature.length, 2);
      assert.deepEqual(verdict, {
        uuid: true,
        combinationCode: true,
        certificateUnpadded: true,
        chain: true,
        signatures: true,
        attributes: true,
        sameInstallation: true,
      });
      assert.equal(signed.reply.uuid, s.uuid, "one uuid per installation");
      assert.equal(s.pinentry.count("GETPIN"), 2, "the attributes' PIN, then one signing password");
      assert.equal(s.pinentry.count("CONFIRM"), 1, "the resident agreed to share the attributes");
    },
  ],
  [
    "close (05) is answered",
    async (s) => {
      await openPortal(s);
      await waitForDetection(s);
      const answer = await onPortal(s.page, "close");
      assert.deepEqual(answer.reply, { mode: "05", result: "0" });
    },
  ],
  [
    "cancel: the page gets its own request back with result 1 and EW044-C300",
    async (s) => {
      s.pinentry.set({ PINS: "CANCEL" });
      await openPortal(s);
      await waitForDetection(s);
      const { answer } = await onPortal(s.page, "login");
      const { digest, ...rest } = answer.reply;
      assert.equal(typeof digest, "string");
      assert.deepEqual(rest, { mode: "01", service_id: "01", result: "1", errcode: FAILED_BEFORE_CARD });
    },
  ],
  [
    "a retry inside the wait after the cancel opens no dialog: the page gets its own request back",
    async (s) => {
      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      const { answer } = await onPortal(s.page, "login");
      const { digest, ...rest } = answer.reply;
      assert.equal(typeof digest, "string");
      assert.deepEqual(rest, { mode: "01", service_id: "01", result: "1", errcode: FAILED_BEFORE_CARD });
      assert.deepEqual(s.pinentry.log(), [], "no dialog");
      await waitOutBackOff(1);
    },
  ],
  [
    "wrong PIN, then cancel: result 1 with the message, and the next right PIN logs in",
    async (s) => {
      s.pinentry.set({ PINS: "0000;CANCEL" });
      await openPortal(s);
      await waitForDetection(s);
      const { answer } = await onPortal(s.page, "login");
      assert.equal(answer.reply.mode, "01");
      assert.equal(answer.reply.result, "1");
      assert.match(answer.reply.message, /暗証番号が違います/);
      assert.equal(answer.reply.errcode, undefined);
      await waitOutBackOff(2); // the second setback in a row
      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      const { verdict } = await onPortal(s.page, "login");
      assert.equal(verdict?.signature, true, "logged in, which resets the counter");
    },
  ],
  [
    "no card, and the waiting dialog cancelled: the page's own request with EW044-C300, and no PIN asked",
    async (s) => {
      await h.simulateCard(false);
      try {
        s.pinentry.set({ CONFIRM: "cancel" });
        await openPortal(s);
        await waitForDetection(s);
        const { answer } = await onPortal(s.page, "login");
        assert.equal(answer.reply.mode, "01");
        assert.equal(answer.reply.result, "1");
        assert.equal(answer.reply.errcode, FAILED_BEFORE_CARD);
        assert.equal(s.pinentry.count("CONFIRM"), 1, "the waiting dialog");
        assert.ok(descriptions(s.pinentry).some((text) => text.includes(s.portal.origin)), "naming the portal");
        assert.equal(s.pinentry.count("GETPIN"), 0);
      } finally {
        await h.simulateCard(true);
      }
    },
  ],
  [
    "a portal page in a background tab: its launchApp opens no dialog, the page gets its own request back",
    async (s) => {
      await waitOutBackOff(1); // after the cancelled waiting dialog
      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      await openPortal(s);
      await waitForDetection(s);
      const front = await s.browser.newPage();
      try {
        await front.bringToFront();
        const request = { mode: "01", service_id: "01", digest: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" };
        const answer = await s.page.evaluate((r) => window.mock.launch(r, 20000), request);
        assert.deepEqual(answer?.reply, { ...request, result: "1", errcode: FAILED_BEFORE_CARD });
      } finally {
        await front.close();
        await s.page.bringToFront();
      }
      assert.deepEqual(s.pinentry.log(), [], "no dialog");
    },
  ],
  [
    "a page outside the allowlist gets no inputs and no answer, and no dialog opens",
    async (s) => {
      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      await openPortal(s, s.portal.otherOrigin);
      // The extension's content scripts run on this page (content.js answers ping)...
      const pong = await s.page.evaluate(
        () =>
          new Promise((resolve) => {
            window.addEventListener("message", (event) => {
              if (event.data?.source === "jpki-bridge-extension" && event.data.id === "probe") resolve(event.data.result);
            });
            window.postMessage({ source: "jpki-bridge-page", id: "probe", command: "ping" }, "*");
          }),
      );
      assert.equal(pong.extension, "jpki-bridge");
      // ...but the portal protocol stays silent, even to a page that asks anyway.
      const answer = await s.page.evaluate(() =>
        window.mock.launch({ mode: "01", service_id: "01", digest: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" }, 3000),
      );
      assert.equal(answer, null);
      assert.deepEqual(await s.page.evaluate(() => window.mock.detected()), { extension: null, app: null });
      assert.equal(s.pinentry.log().length, 0, "no dialog");
    },
  ],
  [
    "taking the opt-in back: the portal sees Linux again and refuses",
    async (s) => {
      await choosePlatform(s, s.portal.origin, false);
      await waitForPlatform(s, false);
      assert.deepEqual(await onPortal(s.page, "login"), { refused: true });
    },
  ],
];

/**
 * One browser's run of the portal protocol (in Japanese, the portals' language).
 * @param {"chromium" | "firefox"} kind
 */
export function portalProtocolSuite(kind) {
  describe(`${kind}: the マイナポータルAP protocol on a mock government portal`, () => {
    const s = { kind };

    before(async () => {
      h.checkPrerequisites(kind);
      s.scratch = h.makeScratch(`jpki-e2e-${kind}-myna-`);
      s.pinentry = new h.ScriptedPinentry(s.scratch.dir);
      const { cert, key } = h.makeCertificate(s.scratch.dir);
      s.portal = await startMockPortal({
        cert,
        key,
        authCa: h.paths.authCa,
        signCa: h.paths.signCa,
        manufactureNumber: readManufactureNumber(process.env.JPKI_SIM_READER),
        holder: h.HOLDER_ATTRIBUTES,
      });
      const env = h.hostEnvironment(s.scratch.dir, s.pinentry, { hostConf: [`portal-origins=${s.portal.origin}`] });
      // The options page asks for the permission on a site added in host.conf; the test's
      // extension has it already, as if the resident had allowed it.
      const grantHosts = [`${new URL(s.portal.origin).protocol}//${new URL(s.portal.origin).hostname}/*`];
      s.browser = await h.launchBrowser(kind, s.scratch.dir, { lang: "ja", env, grantHosts });
      s.page = await s.browser.newPage();
    });

    after(async () => {
      await s.browser?.close();
      await s.portal?.stop();
      const reports = s.scratch === undefined ? "" : h.sanitizerReports(s.scratch.dir);
      s.scratch?.remove();
      assert.equal(reports, "", "no sanitizer report from the hosts (asan preset)");
    });

    for (const [name, fn] of SCENARIOS) {
      test(name, { timeout: 120000 }, async () => {
        try {
          await fn(s);
        } catch (error) {
          const pages = s.browser === undefined ? [] : await s.browser.pages();
          await h.reportFailure({ label: `${kind}-myna`, name, scratch: s.scratch?.dir, pages, pinentry: s.pinentry });
          throw error;
        }
      });
    }
  });
}
