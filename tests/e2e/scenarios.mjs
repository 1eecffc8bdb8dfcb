// The scenarios both browsers run (chromium.test.mjs, firefox.test.mjs): each browser once in
// Japanese and once in English, in the locale of that language (harness.mjs, languageEnvironment),
// against the demo portal over HTTPS, with the scripted pinentry answering the host's dialogs.
// What a scenario checks is what a resident sees or a portal receives; nothing waits a fixed time
// for a result.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import * as h from "./harness.mjs";

/** What the user reads, in each language: the portal, the extension, the host's dialogs. */
export const TEXTS = {
  ja: {
    loginTitle: "マイナンバーカードでログイン",
    loginOk: "ログインしました",
    loginFailed: "ログインできませんでした",
    wrongPin: (left) => `暗証番号が違います（残り${left}回）`,
    pinIncorrect: "暗証番号が違います。",
    pinDialog: "を求めています。",
    consent: "に次の情報を提供しますか？",
    site: "サイト: ",
    verificationCode: "照合コード: ",
    popupTitle: "マイナンバーカードの状態",
    popupCard: "マイナンバーカード（Virtual PCD 00 00）",
    popupCertificate: /有効（有効期限 \d{4}年\d{1,2}月\d{1,2}日）/,
    popupTries: /残り 3 回[\s\S]*残り 5 回[\s\S]*残り 3 回/,
  },
  en: {
    loginTitle: "Log in with your My Number Card",
    loginOk: "You are logged in",
    loginFailed: "You could not be logged in",
    wrongPin: (left) => `Wrong PIN (${left} tries left)`,
    pinIncorrect: "The PIN is incorrect.",
    pinDialog: " asks for ",
    consent: "Share the following with ",
    site: "Site: ",
    verificationCode: "Verification code: ",
    popupTitle: "My Number Card status",
    popupCard: "My Number Card (in Virtual PCD 00 00)",
    popupCertificate: /Valid \(expires [A-Z][a-z]+ \d{1,2}, \d{4}\)/,
    popupTries: /3 tries left[\s\S]*5 tries left[\s\S]*3 tries left/,
  },
};

/** The SETDESC texts the dialogs showed since the last pinentry.set(). */
function descriptions(pinentry) {
  return pinentry
    .log()
    .filter((entry) => entry.startsWith("SETDESC "))
    .map((entry) => entry.slice("SETDESC ".length));
}

/**
 * Calls the page library (`/jpki-bridge.js`) as a person would: the page is brought to the front
 * and a button it is given is clicked, which calls the library. Resolves to `{result}` or
 * `{error: {code, triesLeft, retryAfterSeconds, ja, en}}`.
 */
async function callBridge(page, method, args = []) {
  await page.bringToFront();
  await page.evaluate(
    ({ method: name, args: values }) => {
      const button = document.createElement("button");
      button.id = "e2e-call";
      button.textContent = name;
      window.e2eCall = new Promise((resolve) => {
        button.addEventListener("click", async () => {
          button.remove();
          const jpki = await import("/jpki-bridge.js");
          try {
            resolve({ result: await jpki[name](...values) });
          } catch (e) {
            resolve({ error: { code: e.code, triesLeft: e.triesLeft, retryAfterSeconds: e.retryAfterSeconds, ja: e.ja, en: e.en, message: e.message } });
          }
        }, { once: true });
      });
      document.body.append(button);
    },
    { method, args },
  );
  await page.click("#e2e-call");
  return page.evaluate(() => window.e2eCall);
}

/**
 * Calls the page library the way a hostile page would, with no person's action: `call` at the
 * page's load. The page reports its answer, `{result}` or `{error: code}`, by requesting
 * `/e2e-answer?answer=<JSON>`: the
 * scenario must not evaluate anything in the page meanwhile, since the driver's evaluate counts as
 * a user gesture in Chromium.
 */
async function callAtLoad(s, page, url, call) {
  await s.browser.runAtLoad(page, (method) => {
    window.addEventListener("load", () => {
      import("/jpki-bridge.js")
        .then((jpki) => jpki[method]("A".repeat(43) + "="))
        .then((result) => ({ result }), (e) => ({ error: e.code }))
        .then((answer) => fetch(`/e2e-answer?answer=${encodeURIComponent(JSON.stringify(answer))}`));
    });
  }, call);
  const reported = page.waitForRequest((request) => request.url().includes("/e2e-answer?"), { timeout: 20000 });
  await page.goto(url);
  return JSON.parse(new URL((await reported).url()).searchParams.get("answer"));
}

/**
 * After a cancel or a wrong PIN the extension makes the site wait 2 s before its next dialog
 * (extension/backoff.js): the scenario waits that out, as the page's error text tells a person.
 */
const waitOutBackOff = () => sleep(2_100);

/** A fresh login nonce from the portal the page is on. */
function newNonce(page) {
  return page.evaluate(async () => {
    const answer = await fetch("/api/nonce", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return (await answer.json()).nonce;
  });
}

/**
 * Starts recording, on the page, every answer from the extension that carries an error, as the
 * page receives it (window messages); `receivedErrors(page)` reads them back.
 */
function recordBridgeErrors(page) {
  return page.evaluate(() => {
    window.e2eBridgeErrors = [];
    window.addEventListener("message", (event) => {
      if (event.source === window && event.data?.error !== undefined && typeof event.data?.id === "string") {
        window.e2eBridgeErrors.push(event.data.error);
      }
    });
  });
}

function receivedErrors(page) {
  return page.evaluate(() => window.e2eBridgeErrors);
}

/** The login through the page's own button; resolves to what #login-result shows. */
async function logInWithButton(s, settings = { PIN: h.TEST_PINS.auth }) {
  s.pinentry.set(settings);
  await s.page.goto(s.portal.url);
  await s.page.click("#login-button");
  return h.waitForResult(s.page, "login");
}

async function ensureLoggedIn(s) {
  await s.page.goto(s.portal.url);
  const loggedIn = await s.page.evaluate(async () => (await (await fetch("/api/session")).json()).loggedIn);
  if (!loggedIn) assert.equal((await logInWithButton(s)).status, "ok", "logged in for the application");
}

/**
 * The signing-password dialog named the site on its first line and showed the 照合コード that the
 * apply page shows beside the signed text (the portal's /api/verification-code).
 */
async function assertDialogShowsThePagesVerificationCode(s) {
  const shown = await s.page.evaluate(() => document.getElementById("apply-verification-code").textContent);
  assert.match(shown, /^[0-9A-HJKMNP-TV-Z]{6}$/, "the page shows a 照合コード");
  const site = `${s.text.site}${new URL(s.portal.origin).hostname}\n`;
  const dialogs = descriptions(s.pinentry).filter((text) => text.includes(s.text.verificationCode));
  assert.ok(dialogs.length > 0, `a dialog with a 照合コード: ${JSON.stringify(s.pinentry.log())}`);
  for (const text of dialogs) {
    assert.ok(text.startsWith(site), `the dialog's first line is the site: ${text}`);
    assert.ok(text.includes(`${s.text.verificationCode}${shown}\n`), `the dialog shows the page's code ${shown}: ${text}`);
  }
}

async function applyWith(s, button) {
  await ensureLoggedIn(s);
  s.pinentry.set({ PIN: h.TEST_PINS.sign });
  await s.page.goto(new URL("apply", s.portal.url).href);
  assert.match(s.page.url(), /\/apply$/, "still logged in");
  await s.page.click(button);
  return h.waitForResult(s.page, "apply");
}

// ---------------------------------------------------------------------------------------------
// The scenarios. `s` is the suite's state: {kind, lang, text, scratch, portal, pinentry, browser, page}.

const login = [
  "login: the page, in the browser's language, shows the token the portal verified (origin, nonce, signature, chain)",
  async (s) => {
    const result = await logInWithButton(s);
    assert.equal(result.status, "ok", JSON.stringify(result));
    for (const check of h.LOGIN_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.match(result.subject, /CN=TEST/);
    assert.notEqual(result.serial, "");
    assert.notEqual(result.notAfter, "");
    // The portal's page in the browser's language.
    const page = await s.page.evaluate(() => ({ lang: document.documentElement.lang, heading: document.querySelector("h1")?.textContent }));
    assert.deepEqual(page, { lang: s.lang, heading: s.text.loginTitle });
    assert.equal(result.title, s.text.loginOk);
    // One PIN dialog, in the same language, naming the page's origin.
    assert.equal(s.pinentry.count("GETPIN"), 1);
    assert.ok(descriptions(s.pinentry).some((text) => text.includes(s.portal.origin) && text.includes(s.text.pinDialog)), JSON.stringify(s.pinentry.log()));
    await s.page.waitForSelector('#session-info[data-logged-in="true"]');
    await s.page.screenshot({ path: h.screenshotPath(`${s.kind}-${s.lang}-login`), fullPage: true });
  },
];

const wrongPinThenRight = [
  "login with a wrong PIN first: the dialog asks again saying 2 tries are left, then the right PIN logs in",
  async (s) => {
    const result = await logInWithButton(s, { PINS: "0000;1234" });
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(s.pinentry.count("GETPIN"), 2, "asked twice");
    assert.deepEqual(s.pinentry.log().filter((entry) => entry.startsWith("SETERROR ")), [`SETERROR ${s.text.wrongPin(2)}`],
      "the second dialog says the PIN was wrong and how many tries are left");
  },
];

const wrongPinThenCancel = [
  "wrong PIN, then the dialog cancelled: the page receives pin-incorrect with triesLeft 2 and shows why",
  async (s) => {
    s.pinentry.set({ PINS: "0000;CANCEL" });
    await s.page.goto(s.portal.url);
    await recordBridgeErrors(s.page);
    await s.page.click("#login-button");
    const result = await h.waitForResult(s.page, "login");
    assert.equal(result.status, "error", JSON.stringify(result));
    assert.equal(result.code, "pin-incorrect");
    assert.equal(result.title, s.text.loginFailed);
    assert.ok(result.error.startsWith(s.text.pinIncorrect), `the page shows: ${result.error}`);
    const received = await receivedErrors(s.page);
    assert.equal(received.length, 1, JSON.stringify(received));
    assert.equal(received[0].code, "pin-incorrect");
    assert.equal(received[0].triesLeft, 2, "the page is told how many tries are left");
    assert.deepEqual(s.pinentry.log().filter((entry) => entry.startsWith("SETERROR ")), [`SETERROR ${s.text.wrongPin(2)}`]);
    await s.page.screenshot({ path: h.screenshotPath(`${s.kind}-${s.lang}-wrong-pin`), fullPage: true });
    // The right PIN still logs in, once the site's wait after a wrong PIN is over, and puts the
    // card's counter back to 3 for what follows.
    await waitOutBackOff();
    assert.equal((await logInWithButton(s)).status, "ok");
  },
];

const cancel = [
  "login cancelled in the PIN dialog: user-cancelled",
  async (s) => {
    const result = await logInWithButton(s, { PINS: "CANCEL" });
    assert.equal(result.status, "error");
    assert.equal(result.code, "user-cancelled");
    assert.notEqual(result.error, "", "the user's error text is shown");
    assert.equal(s.pinentry.count("GETPIN"), 1);
    // At once again: the site must wait, and no dialog opens.
    s.pinentry.set({ PIN: h.TEST_PINS.auth });
    await s.page.goto(s.portal.url);
    await s.page.click("#login-button");
    const again = await h.waitForResult(s.page, "login");
    assert.equal(again.code, "retry-later", JSON.stringify(again));
    assert.deepEqual(s.pinentry.log(), [], "no dialog inside the back-off");
    // The wait over, the login goes through and ends the back-off.
    await waitOutBackOff();
    assert.equal((await logInWithButton(s)).status, "ok");
  },
];

const hostilePages = [
  "hostile pages: a call without a person's click, from a frame or from a background tab opens no dialog; status tells a page almost nothing",
  async (s) => {
    s.pinentry.set({ PIN: h.TEST_PINS.auth });
    for (const method of ["authenticate", "readAttributes"]) {
      const silent = await s.browser.newPage();
      try {
        assert.deepEqual(await callAtLoad(s, silent, s.portal.url, method), { error: "user-action-required" }, method);
      } finally {
        await silent.close();
        await s.page.bringToFront();
      }
    }

    // status: without a click only that the host is there; after one, whether a card is in. Never
    // the readers, the certificates, their dates or the tries left.
    const silent = await s.browser.newPage();
    try {
      assert.deepEqual(await callAtLoad(s, silent, s.portal.url, "status"), { result: { hostPresent: true } });
    } finally {
      await silent.close();
    }
    await s.page.goto(s.portal.url);
    assert.deepEqual(await callBridge(s.page, "status"), { result: { hostPresent: true, cardPresent: true } });

    // A frame inside the page, of the page's own origin (the portal allows no framing by other
    // sites): the extension does not talk to it.
    await s.page.bringToFront();
    await s.page.goto(s.portal.url);
    await s.page.evaluate(() => {
      document.body.append(document.createElement("iframe"));
    });
    const frame = s.page.frames().find((f) => f !== s.page.mainFrame());
    assert.ok(frame !== undefined, "the frame is there");
    const framed = await frame.evaluate(async (origin) => {
      const jpki = await import(`${origin}/jpki-bridge.js`);
      return jpki.authenticate("A".repeat(43) + "=").then(() => "answered", (e) => e.code);
    }, s.portal.origin);
    assert.equal(framed, "extension-missing");

    // The page behind another tab.
    const front = await s.browser.newPage();
    try {
      await front.bringToFront();
      const behind = await s.page.evaluate(async () => {
        const jpki = await import("/jpki-bridge.js");
        return jpki.authenticate("A".repeat(43) + "=").then(() => "answered", (e) => e.code);
      });
      assert.equal(behind, "not-active-tab");
    } finally {
      await front.close();
      await s.page.bringToFront();
    }
    assert.deepEqual(s.pinentry.log(), [], "no dialog opened");
  },
];

const noCardThenInserted = [
  "login with no card: the page waits with the waiting dialog open and no PIN asked; the card inserted, it logs in",
  async (s) => {
    await h.simulateCard(false);
    let inserted = false;
    try {
      // The waiting dialog's one button is "cancel": the scripted one never answers it.
      s.pinentry.set({ PIN: h.TEST_PINS.auth, HANG_ON: "CONFIRM" });
      await s.page.goto(s.portal.url);
      await s.page.click("#login-button");
      // The wait has started: the dialog is open (its CONFIRM came) and the page is pending.
      await s.pinentry.waitFor("CONFIRM");
      assert.ok(descriptions(s.pinentry).some((text) => text.includes(s.portal.origin)), "the waiting dialog names the site");
      assert.equal(await s.page.evaluate(() => document.getElementById("login-result").dataset.status), "pending");
      assert.equal(s.pinentry.count("GETPIN"), 0, "no PIN is asked before the card is there");
      await h.simulateCard(true, { wait: false });
      inserted = true;
      const result = await h.waitForResult(s.page, "login");
      assert.equal(result.status, "ok", JSON.stringify(result));
      assert.equal(s.pinentry.count("GETPIN"), 1);
    } finally {
      if (!inserted) await h.simulateCard(true);
    }
  },
];

const applyCms = [
  "e-application signed as CMS (jpki.signCms): the dialog shows the site and the page's 照合コード; the server verifies it",
  async (s) => {
    const result = await applyWith(s, "#sign-cms-button");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(result.method, "cms");
    assert.equal(result.signerName, h.HOLDER_NAME);
    for (const check of h.APPLY_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.equal(result.checks.origin, "ok", "the CMS names this portal's origin, and the portal checked it");
    assert.match(result.signingTime, /^\d{4}-/);
    assert.equal(s.pinentry.count("GETPIN"), 1, "one signing-password dialog");
    await assertDialogShowsThePagesVerificationCode(s);
    await s.page.screenshot({ path: h.screenshotPath(`${s.kind}-${s.lang}-apply-cms`), fullPage: true });
  },
];

const applyRaw = [
  "e-application signed raw (getSigningCertificate + sign): the dialog shows the site and the page's 照合コード; the server verifies it",
  async (s) => {
    const result = await applyWith(s, "#sign-raw-button");
    assert.equal(result.status, "ok", JSON.stringify(result));
    assert.equal(result.method, "raw");
    assert.equal(result.signerName, h.HOLDER_NAME);
    for (const check of h.APPLY_CHECKS) assert.equal(result.checks[check], "ok", `check ${check}`);
    assert.equal(s.pinentry.count("GETPIN"), 2, "the certificate, then the signature");
    await assertDialogShowsThePagesVerificationCode(s);
    await s.page.screenshot({ path: h.screenshotPath(`${s.kind}-${s.lang}-apply-raw`), fullPage: true });
  },
];

const readAttributes = [
  "readAttributes: the consent dialog names the site, then the support PIN; the page receives the holder's 4 attributes",
  async (s) => {
    s.pinentry.set({ PIN: h.TEST_PINS.support });
    await s.page.goto(s.portal.url);
    const answer = await callBridge(s.page, "readAttributes");
    assert.deepEqual(answer, { result: h.HOLDER_ATTRIBUTES });
    const log = s.pinentry.log();
    const consent = log.indexOf("CONFIRM");
    assert.ok(consent >= 0 && consent < log.indexOf("GETPIN"), `consent first, then the PIN: ${JSON.stringify(log)}`);
    assert.ok(descriptions(s.pinentry).some((text) => text.includes(s.text.consent) && text.includes(s.portal.origin)),
      "the consent dialog names the site");
    assert.equal(s.pinentry.count("GETPIN"), 1);
  },
];

const readAttributesRefused = [
  "readAttributes refused in the consent dialog: user-cancelled, and no PIN is asked",
  async (s) => {
    s.pinentry.set({ PIN: h.TEST_PINS.support, CONFIRM: "cancel" });
    await s.page.goto(s.portal.url);
    const answer = await callBridge(s.page, "readAttributes");
    assert.equal(answer.error?.code, "user-cancelled", JSON.stringify(answer));
    assert.equal(s.pinentry.count("CONFIRM"), 1, "the consent dialog was shown");
    assert.equal(s.pinentry.count("GETPIN"), 0, "no PIN is asked without consent");
    await waitOutBackOff();
  },
];

const originBinding = [
  "origin binding: a token made on one origin is refused by a portal of another",
  async (s) => {
    // Portal B, on another port: another origin. Its nonce, signed on portal A's page, comes
    // back to B with only the origin differing; then the same flow on B's own page passes.
    const other = await h.startPortal(s.scratch.dir, { name: "portal-b" });
    const pageB = await s.browser.newPage();
    try {
      assert.notEqual(new URL(other.url).origin, s.portal.origin, "portal B is another origin");
      await pageB.goto(other.url);
      const postLogin = (token) =>
        pageB.evaluate(async (t) => {
          const answer = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(t) });
          return { http: answer.status, body: await answer.json() };
        }, token);

      s.pinentry.set({ PIN: h.TEST_PINS.auth });
      await s.page.goto(s.portal.url);
      const made = await callBridge(s.page, "authenticate", [await newNonce(pageB)]);
      assert.ok(made.result !== undefined, JSON.stringify(made));
      const foreign = await postLogin(made.result);
      assert.equal(foreign.http, 403, JSON.stringify(foreign));
      assert.equal(foreign.body.code, "signature-invalid", JSON.stringify(foreign));
      assert.ok(descriptions(s.pinentry).some((text) => text.includes(s.portal.origin)), "the dialog named the origin the token was made for");

      const own = await callBridge(pageB, "authenticate", [await newNonce(pageB)]);
      assert.ok(own.result !== undefined, JSON.stringify(own));
      const accepted = await postLogin(own.result);
      assert.equal(accepted.http, 200, JSON.stringify(accepted));
      assert.equal(accepted.body.status, "ok");
      assert.equal(accepted.body.origin, other.origin);
      for (const check of h.LOGIN_CHECKS) assert.equal(accepted.body.checks[check], "ok", `check ${check}`);
    } finally {
      await pageB.close();
      const stopped = await other.stop();
      assert.deepEqual(stopped, { code: 0, signal: null }, "portal B stops cleanly");
    }
  },
];

const cmsForAnotherSite = [
  "a CMS the host made for another site is refused by the portal: signature-origin-mismatch",
  async (s) => {
    // Portal B, another origin, has the resident sign portal A's application text; the CMS,
    // handed to portal A, names B's origin. The same text signed on A's own page passes.
    await s.page.bringToFront();
    await ensureLoggedIn(s);
    const other = await h.startPortal(s.scratch.dir, { name: "portal-b" });
    const pageB = await s.browser.newPage();
    try {
      const form = JSON.stringify({
        form: "jpki-demo/change-of-address/1",
        name: h.HOLDER_NAME,
        moveDate: "2025-04-01",
        previousAddress: "東京都千代田区霞が関２丁目１番２号",
        newAddress: "みどり市中央１丁目２番３号",
        householdHead: h.HOLDER_NAME,
      });
      const digest = await s.page.evaluate(async (text) => {
        const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
        return btoa(String.fromCharCode(...new Uint8Array(hash)));
      }, form);
      const apply = (cms) =>
        s.page.evaluate(async (body) => {
          const answer = await fetch("/api/apply", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
          return { http: answer.status, body: await answer.json() };
        }, { form, cms });

      s.pinentry.set({ PIN: h.TEST_PINS.sign });
      await pageB.goto(other.url);
      const foreign = await callBridge(pageB, "signCms", [digest, "SHA-256"]);
      assert.ok(foreign.result !== undefined, JSON.stringify(foreign));
      const refused = await apply(foreign.result.cms);
      assert.equal(refused.http, 403, JSON.stringify(refused));
      assert.equal(refused.body.code, "signature-origin-mismatch", JSON.stringify(refused));
      assert.match(refused.body.ja, /別のサイト/);
      assert.match(refused.body.en, /another site/);

      await s.page.goto(new URL("apply", s.portal.url).href);
      const own = await callBridge(s.page, "signCms", [digest, "SHA-256"]);
      assert.ok(own.result !== undefined, JSON.stringify(own));
      const accepted = await apply(own.result.cms);
      assert.equal(accepted.http, 200, JSON.stringify(accepted));
      assert.equal(accepted.body.checks.origin, "ok");
      assert.equal(s.pinentry.count("GETPIN"), 2, "one signing-password dialog each");
    } finally {
      await pageB.close();
      const stopped = await other.stop();
      assert.deepEqual(stopped, { code: 0, signal: null }, "portal B stops cleanly");
    }
  },
];

const popup = [
  "the popup's status view, in the browser's language: the card, the certificate's expiry, the tries left",
  async (s) => {
    const page = await s.browser.newPage();
    try {
      await s.browser.resize(page, 400, 560);
      await s.browser.openExtensionPage(page, "popup.html");
      await h.waitInPage(page, () => document.querySelector("#status .checking") === null && document.querySelector("#status li") !== null,
        undefined, "the popup's status");
      const shown = await page.evaluate(() => ({
        title: document.querySelector("h1")?.textContent,
        text: document.getElementById("status").innerText,
        problems: document.querySelectorAll("#status li.error, #status li.warn").length,
      }));
      assert.equal(shown.title, s.text.popupTitle);
      assert.ok(shown.text.includes(s.text.popupCard), shown.text);
      assert.match(shown.text, s.text.popupCertificate, "the authentication certificate's expiry");
      assert.match(shown.text, s.text.popupTries, "tries left: auth, sign, support");
      assert.equal(shown.problems, 0, shown.text);
      await page.screenshot({ path: h.screenshotPath(`${s.kind}-${s.lang}-popup`) });
    } finally {
      await page.close();
    }
  },
];

/** Everything, in Japanese; what depends on the language, in English. */
const SCENARIOS = {
  ja: [login, wrongPinThenRight, wrongPinThenCancel, cancel, hostilePages, noCardThenInserted, applyCms, applyRaw,
    readAttributes, readAttributesRefused, originBinding, cmsForAnotherSite, popup],
  en: [login, wrongPinThenCancel, applyCms, readAttributes, popup],
};

/** Against an installed package (E2E_INSTALLED, tests/install/): that its parts reach each other. */
const INSTALLED_SCENARIOS = {
  ja: [login, applyCms, readAttributes, popup],
  en: [login],
};

/**
 * One browser's end-to-end tests: for each language a portal, the scripted pinentry and the
 * browser in that language's locale, then the scenarios; each stops what it started.
 * @param {"chromium" | "firefox"} kind
 */
export function browserSuite(kind) {
  for (const lang of ["ja", "en"]) {
    describe(`${kind}, ${lang}: portal → extension → host → simulated card`, () => {
      const s = { kind, lang, text: TEXTS[lang] };

      before(async () => {
        h.checkPrerequisites(kind);
        if (lang === "ja") h.clearFailureScreenshots(kind);
        s.scratch = h.makeScratch(`jpki-e2e-${kind}-${lang}-`);
        s.pinentry = new h.ScriptedPinentry(s.scratch.dir);
        s.portal = await h.startPortal(s.scratch.dir);
        s.browser = await h.launchBrowser(kind, s.scratch.dir, { lang, env: h.hostEnvironment(s.scratch.dir, s.pinentry) });
        s.page = await s.browser.newPage();
      });

      after(async () => {
        await s.browser?.close();
        const stopped = await s.portal?.stop();
        const reports = s.scratch === undefined ? "" : h.sanitizerReports(s.scratch.dir);
        s.scratch?.remove();
        if (stopped !== undefined) assert.deepEqual(stopped, { code: 0, signal: null }, "the portal stops cleanly");
        assert.equal(reports, "", "no sanitizer report from the hosts (asan preset)");
      });

      for (const [name, fn] of (h.installed ? INSTALLED_SCENARIOS : SCENARIOS)[lang]) {
        test(name, { timeout: 120000 }, async () => {
          try {
            await fn(s);
          } catch (error) {
            const pages = s.browser === undefined ? [] : await s.browser.pages();
            await h.reportFailure({ label: `${kind}-${lang}`, name, scratch: s.scratch?.dir, pages, pinentry: s.pinentry });
            throw error;
          }
        });
      }
    });
  }
}
