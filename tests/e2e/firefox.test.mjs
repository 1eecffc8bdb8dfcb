// Firefox ESR end to end: the demo portal's pages (HTTPS, loopback) → the page library → the
// extension (a temporary add-on) → the native host (this build's, through the build tree's
// host manifest in $HOME/.mozilla/native-messaging-hosts) → pcscd → the simulated card, with
// the scripted pinentry answering the dialogs.
// Run inside tests/with-virtual-card (tests/e2e/run.sh firefox.test.mjs).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as h from "./harness.mjs";

describe("Firefox ESR: portal → extension → host → simulated card", () => {
  let scratch;
  let portal;
  let pinentry;
  let browser;
  let page;

  before(async () => {
    h.checkPrerequisites("firefox");
    h.clearFailureScreenshots("firefox");
    scratch = h.makeScratch("jpki-e2e-firefox-");
    pinentry = new h.ScriptedPinentry(scratch.dir);
    portal = await h.startPortal(scratch.dir);
    browser = await h.launchFirefox(scratch.dir, { env: h.hostEnvironment(scratch.dir, pinentry) });
    page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800 });
  });

  after(async () => {
    await browser?.close();
    const stopped = await portal?.stop();
    const reports = scratch === undefined ? "" : h.sanitizerReports(scratch.dir);
    scratch?.remove();
    if (stopped !== undefined) assert.deepEqual(stopped, { code: 0, signal: null }, "the portal stops cleanly");
    assert.equal(reports, "", "no sanitizer report from the hosts (asan preset)");
  });

  function scenario(name, fn) {
    test(name, { timeout: 120000 }, async () => {
      try {
        await fn();
      } catch (error) {
        await h.reportFailure({ label: "firefox", name, scratch: scratch?.dir, pages: browser === undefined ? [] : await browser.pages(), pinentry });
        throw error;
      }
    });
  }

  async function applyWith(button) {
    pinentry.set({ PIN: h.TEST_PINS.sign });
    await page.goto(new URL("apply", portal.url).href);
    assert.match(page.url(), /\/apply$/, "still logged in");
    await page.click(button);
    return h.waitForResult(page, "apply");
  }

  scenario("login through the page: the portal verifies the token (origin, nonce, signature, chain)", async () => {
    pinentry.set({ PIN: h.TEST_PINS.auth });
    await page.goto(portal.url);
    await page.click("#login-button");
    const result = await h.waitForResult(page, "login");
    assert.equal(result.status, "ok", JSON.stringify(result));
    for (const check of h.LOGIN_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.match(result.subject, /CN=TEST/);
    assert.equal(pinentry.count("GETPIN"), 1);
    // Firefox reports the origin the host signs for: the dialog names it.
    assert.ok(pinentry.log().some((entry) => entry.startsWith("SETDESC ") && entry.includes(portal.origin)));
    await page.waitForSelector('#session-info[data-logged-in="true"]');
    await page.screenshot({ path: h.screenshotPath("firefox-login"), fullPage: true });
  });

  scenario("e-application signed as CMS (jpki.signCms): the server verifies it", async () => {
    const result = await applyWith("#sign-cms-button");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(result.method, "cms");
    assert.equal(result.signerName, h.HOLDER_NAME);
    for (const check of h.APPLY_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.equal(pinentry.count("GETPIN"), 1);
    await page.screenshot({ path: h.screenshotPath("firefox-apply-cms"), fullPage: true });
  });

  scenario("e-application signed raw (getSigningCertificate + sign): the server verifies it", async () => {
    const result = await applyWith("#sign-raw-button");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(result.method, "raw");
    assert.equal(result.signerName, h.HOLDER_NAME);
    for (const check of h.APPLY_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.equal(pinentry.count("GETPIN"), 2);
  });

  scenario("login cancelled in the PIN dialog: user-cancelled", async () => {
    pinentry.set({ PINS: "CANCEL" });
    await page.goto(portal.url);
    await page.click("#login-button");
    const result = await h.waitForResult(page, "login");
    assert.equal(result.status, "error");
    assert.equal(result.code, "user-cancelled");
  });
});
