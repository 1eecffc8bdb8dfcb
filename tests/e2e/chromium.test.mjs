// Chromium end to end: the demo portal's pages (HTTPS, loopback) → the page library → the
// extension → the native host (this build's, through the build tree's host manifest) →
// pcscd → the simulated card, with the scripted pinentry answering the dialogs.
// Run inside tests/with-virtual-card (tests/e2e/run.sh chromium.test.mjs).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import * as h from "./harness.mjs";

describe("Chromium: portal → extension → host → simulated card", () => {
  let scratch;
  let portal;
  let pinentry;
  let context;
  let page;

  before(async () => {
    h.checkPrerequisites("chromium");
    h.clearFailureScreenshots("chromium");
    scratch = h.makeScratch("jpki-e2e-chromium-");
    pinentry = new h.ScriptedPinentry(scratch.dir);
    portal = await h.startPortal(scratch.dir);
    context = await h.launchChromium(scratch.dir, { env: h.hostEnvironment(scratch.dir, pinentry) });
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    const stopped = await portal?.stop();
    const reports = scratch === undefined ? "" : h.sanitizerReports(scratch.dir);
    scratch?.remove();
    if (stopped !== undefined) assert.deepEqual(stopped, { code: 0, signal: null }, "the portal stops cleanly");
    assert.equal(reports, "", "no sanitizer report from the hosts (asan preset)");
  });

  /** Runs one scenario; on failure prints the logs and saves a screenshot of the page. */
  function scenario(name, fn) {
    test(name, { timeout: 120000 }, async () => {
      try {
        await fn();
      } catch (error) {
        await h.reportFailure({ label: "chromium", name, scratch: scratch?.dir, pages: context?.pages() ?? [], pinentry });
        throw error;
      }
    });
  }

  async function logIn(pin = h.TEST_PINS.auth) {
    pinentry.set({ PIN: pin });
    await page.goto(portal.url);
    await page.click("#login-button");
    return h.waitForResult(page, "login");
  }

  async function ensureLoggedIn() {
    await page.goto(portal.url);
    const loggedIn = await page.evaluate(async () => (await (await fetch("/api/session")).json()).loggedIn);
    if (!loggedIn) assert.equal((await logIn()).status, "ok", "logged in for the application");
  }

  scenario("login: the portal verifies the token (origin, nonce, signature, chain)", async () => {
    const result = await logIn();
    assert.equal(result.status, "ok", JSON.stringify(result));
    for (const check of h.LOGIN_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.match(result.subject, /CN=TEST/);
    assert.notEqual(result.serial, "");
    assert.notEqual(result.notAfter, "");
    // One PIN dialog, naming the page's origin.
    assert.equal(pinentry.count("GETPIN"), 1);
    assert.ok(pinentry.log().some((entry) => entry.startsWith("SETDESC ") && entry.includes(portal.origin)));
    await page.waitForSelector('#session-info[data-logged-in="true"]');
    await page.screenshot({ path: h.screenshotPath("chromium-login"), fullPage: true });
  });

  scenario("login with a wrong PIN first: the dialog asks again with the tries left, then ok", async () => {
    pinentry.set({ PINS: "0000;1234" });
    await page.goto(portal.url);
    await page.click("#login-button");
    const result = await h.waitForResult(page, "login");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(pinentry.count("GETPIN"), 2, "asked twice");
    assert.equal(pinentry.count("SETERROR"), 1, "the second dialog says the PIN was wrong");
  });

  scenario("login cancelled in the PIN dialog: user-cancelled", async () => {
    pinentry.set({ PINS: "CANCEL" });
    await page.goto(portal.url);
    await page.click("#login-button");
    const result = await h.waitForResult(page, "login");
    assert.equal(result.status, "error");
    assert.equal(result.code, "user-cancelled");
    assert.notEqual(result.error, "", "the user's error text is shown");
    await page.screenshot({ path: h.screenshotPath("chromium-login-cancelled"), fullPage: true });
  });

  scenario("login with no card: the waiting dialog stays open until the card is inserted, then ok", async () => {
    await h.simulateCard(false);
    let inserted = false;
    try {
      // The waiting dialog's one button is "cancel": the scripted one never answers it.
      pinentry.set({ PIN: h.TEST_PINS.auth, HANG_ON: "CONFIRM" });
      await page.goto(portal.url);
      await page.click("#login-button");
      await pinentry.waitFor("CONFIRM");
      assert.ok(pinentry.log().some((entry) => entry.startsWith("SETDESC ") && entry.includes(portal.origin)));
      await sleep(1000);
      assert.equal(await page.evaluate(() => document.getElementById("login-result").dataset.status), "pending");
      assert.equal(pinentry.count("GETPIN"), 0, "no PIN is asked before the card is there");
      await h.simulateCard(true, { wait: false });
      inserted = true;
      const result = await h.waitForResult(page, "login");
      assert.equal(result.status, "ok", JSON.stringify(result));
      assert.equal(pinentry.count("GETPIN"), 1);
    } finally {
      if (!inserted) await h.simulateCard(true);
    }
  });

  scenario("e-application signed as CMS (jpki.signCms): the server verifies it", async () => {
    await ensureLoggedIn();
    pinentry.set({ PIN: h.TEST_PINS.sign });
    await page.click("#apply-link");
    await page.waitForURL(/\/apply$/);
    await page.click("#sign-cms-button");
    const result = await h.waitForResult(page, "apply");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(result.method, "cms");
    assert.equal(result.signerName, h.HOLDER_NAME);
    for (const check of h.APPLY_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.match(result.signingTime, /^\d{4}-/);
    assert.equal(pinentry.count("GETPIN"), 1, "one signing-password dialog");
    await page.screenshot({ path: h.screenshotPath("chromium-apply-cms"), fullPage: true });
  });

  scenario("e-application signed raw (getSigningCertificate + sign): the server verifies it", async () => {
    await ensureLoggedIn();
    pinentry.set({ PIN: h.TEST_PINS.sign });
    await page.goto(new URL("apply", portal.url).href);
    await page.click("#sign-raw-button");
    const result = await h.waitForResult(page, "apply");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(result.method, "raw");
    assert.equal(result.signerName, h.HOLDER_NAME);
    for (const check of h.APPLY_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.equal(pinentry.count("GETPIN"), 2, "the certificate, then the signature");
    await page.screenshot({ path: h.screenshotPath("chromium-apply-raw"), fullPage: true });
  });

  scenario("origin binding: a token made on one origin is refused by a portal of another", async () => {
    // Portal B, on another port: another origin. Its nonce, signed on portal A's page, comes
    // back to B with only the origin differing; then the same flow on B's own page passes.
    const other = await h.startPortal(scratch.dir, { name: "portal-b" });
    const pageB = await context.newPage();
    try {
      assert.notEqual(other.origin, portal.origin);
      await pageB.goto(other.url);
      const nonce = () =>
        pageB.evaluate(async () => {
          const answer = await fetch("/api/nonce", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
          return (await answer.json()).nonce;
        });
      const authenticate = (onPage, challenge) =>
        onPage.evaluate(async (n) => {
          const jpki = await import("/jpki-bridge.js");
          return jpki.authenticate(n);
        }, challenge);
      const postLogin = (token) =>
        pageB.evaluate(async (t) => {
          const answer = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(t) });
          return { http: answer.status, body: await answer.json() };
        }, token);

      pinentry.set({ PIN: h.TEST_PINS.auth });
      await page.goto(portal.url);
      const foreign = await postLogin(await authenticate(page, await nonce()));
      assert.equal(foreign.http, 403, JSON.stringify(foreign));
      assert.equal(foreign.body.code, "signature-invalid", JSON.stringify(foreign));
      assert.ok(pinentry.log().some((entry) => entry.startsWith("SETDESC ") && entry.includes(portal.origin)),
        "the dialog named the origin the token was made for");

      const own = await postLogin(await authenticate(pageB, await nonce()));
      assert.equal(own.http, 200, JSON.stringify(own));
      assert.equal(own.body.status, "ok");
      assert.equal(own.body.origin, other.origin);
      for (const check of h.LOGIN_CHECKS) assert.equal(own.body.checks[check], "ok", `check ${check}`);
    } finally {
      await pageB.close();
      const stopped = await other.stop();
      assert.deepEqual(stopped, { code: 0, signal: null }, "portal B stops cleanly");
    }
  });

  scenario("the popup's status view: the card, the certificate's expiry, the tries left", async () => {
    const popup = await context.newPage();
    try {
      await popup.setViewportSize({ width: 400, height: 560 });
      await popup.goto(`chrome-extension://${h.CHROME_EXTENSION_ID}/popup.html`);
      await popup.waitForFunction(() => document.querySelector("#status .checking") === null && document.querySelector("#status li") !== null);
      const text = await popup.locator("#status").innerText();
      assert.match(text, /マイナンバーカード（Virtual PCD 00 00）/);
      assert.match(text, /有効（有効期限 \d{4}年\d{1,2}月\d{1,2}日）/, "the authentication certificate's expiry");
      assert.match(text, /残り 3 回[\s\S]*残り 5 回[\s\S]*残り 3 回/, "tries left: auth, sign, support");
      assert.equal(await popup.locator("#status li.error, #status li.warn").count(), 0, text);
      await popup.screenshot({ path: h.screenshotPath("chromium-popup") });
    } finally {
      await popup.close();
    }
  });
});
