// The browser part of scripts/demo, on the simulated card (run inside tests/with-virtual-card,
// through tests/e2e/run.sh --node demo.mjs [--headed]).
//
// Headless (default): starts the demo portal over HTTPS (a throw-away certificate, the test
// PKI's CAs) and Chromium with the extension and the host installed in a throw-away profile;
// logs in and sends the e-application signed both ways through the portal's pages, with the
// scripted pinentry typing the test PINs into the host's dialogs; prints what the server
// verified and saves screenshots (build/<preset>/screenshots/demo-*.png). Exit status 0 when
// the server verified everything.
//
// --headed: the same portal and browser, shown to a person, with a real pinentry
// (JPKI_PINENTRY, chosen by scripts/demo); waits until the browser is closed.
//
// Either way it stops the portal and the browser it started.
import { setTimeout as sleep } from "node:timers/promises";
import * as h from "./harness.mjs";

const headed = process.argv.includes("--headed");

const scratch = h.makeScratch("jpki-demo-");
let portal;
let context;
let pinentry;
let stopping = false;

async function stopAll() {
  if (stopping) return;
  stopping = true;
  try {
    await context?.close();
  } catch {
    // the browser is already gone
  }
  if (portal !== undefined) await portal.stop();
  scratch.remove();
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}

function line(label, value) {
  console.log(`  ${label.padEnd(14)} ${value}`);
}

function checks(verified) {
  return Object.entries(verified.checks ?? {})
    .map(([name, result]) => `${name} ${result}`)
    .join(", ");
}

/** The first line of the last PIN dialog's text: the site it names. */
function dialogText(pinentry) {
  const description = pinentry
    .log()
    .filter((entry) => entry.startsWith("SETDESC "))
    .pop();
  return description === undefined ? "(no dialog)" : description.slice("SETDESC ".length).split("\n")[0];
}

/** Clicks `selector` and resolves to the JSON the portal answered on `apiPath`. */
async function clickAndVerify(page, selector, apiPath, prefix) {
  const answer = page.waitForResponse((response) => new URL(response.url()).pathname === apiPath, { timeout: 90000 });
  await page.click(selector);
  const response = await answer;
  const shown = await h.waitForResult(page, prefix, 30000);
  const verified = await response.json();
  if (shown.status !== "ok" || verified.status !== "ok") {
    throw new Error(`${apiPath}: ${JSON.stringify(verified)} (page: ${shown.status} ${shown.code})`);
  }
  return verified;
}

async function headless() {
  pinentry = new h.ScriptedPinentry(scratch.dir);
  portal = await h.startPortal(scratch.dir);
  console.log(`== The demo portal: ${portal.url} (HTTPS, throw-away certificate; trusts the test PKI's CAs)`);
  context = await h.launchChromium(scratch.dir, { env: h.hostEnvironment(scratch.dir, pinentry) });
  console.log(`== Chromium (headless) with the extension ${h.CHROME_EXTENSION_ID} and the host ${h.HOST_NAME}`);
  const page = await context.newPage();

  console.log("\n== Login with the user-authentication certificate (利用者証明用電子証明書)");
  pinentry.set({ PIN: h.TEST_PINS.auth });
  await page.goto(portal.url);
  const login = await clickAndVerify(page, "#login-button", "/api/login", "login");
  line("PIN dialog", `${dialogText(pinentry)} (the scripted pinentry typed the test PIN)`);
  line("origin", login.origin);
  line("subject", login.subject);
  line("issuer", login.issuer);
  line("serial", login.serial);
  line("valid until", login.notAfter);
  line("checks", checks(login));
  await page.screenshot({ path: h.screenshotPath("login", "demo"), fullPage: true });

  for (const [method, button, api] of [
    ["CMS (jpki.signCms, CAdES-BES)", "#sign-cms-button", "/api/apply"],
    ["raw (jpki.getSigningCertificate + jpki.sign)", "#sign-raw-button", "/api/apply-raw"],
  ]) {
    console.log(`\n== 転入届 (e-application) signed with the signing certificate (署名用電子証明書): ${method}`);
    pinentry.set({ PIN: h.TEST_PINS.sign });
    await page.goto(new URL("apply", portal.url).href);
    const applied = await clickAndVerify(page, button, api, "apply");
    line("PIN dialog", `${dialogText(pinentry)} (the scripted pinentry typed the test password)`);
    line("signer", applied.signer.name);
    line("address", applied.signer.address);
    line("subject", applied.signer.subject);
    if (applied.signingTime !== undefined) line("signing time", applied.signingTime);
    line("SHA-256", `${applied.digest} (${applied.hashFunction}, computed by the server)`);
    line("checks", checks(applied));
    await page.screenshot({ path: h.screenshotPath(`apply-${applied.method}`, "demo"), fullPage: true });
  }

  const popup = await context.newPage();
  await popup.setViewportSize({ width: 400, height: 560 });
  await popup.goto(`chrome-extension://${h.CHROME_EXTENSION_ID}/popup.html`);
  await popup.waitForFunction(() => document.querySelector("#status .checking") === null && document.querySelector("#status li") !== null);
  await popup.screenshot({ path: h.screenshotPath("popup", "demo") });

  const reports = h.sanitizerReports(scratch.dir);
  if (reports !== "") throw new Error(`sanitizer reports from the host:\n${reports}`);
  console.log(`\nScreenshots: ${h.paths.screenshots}/demo-{login,apply-cms,apply-raw,popup}.png`);
}

async function withAPerson() {
  portal = await h.startPortal(scratch.dir);
  const env = h.hostEnvironment(scratch.dir);
  env.JPKI_BRIDGE_CARD_WAIT_SECONDS = "60";
  context = await h.launchChromium(scratch.dir, { env, headless: false });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(portal.url);
  console.log(`== The demo portal is open in Chromium: ${portal.url}`);
  console.log(`   The simulated card's TEST secrets: user-authentication PIN ${h.TEST_PINS.auth}, signing password ${h.TEST_PINS.sign}`);
  console.log(`   The PIN dialogs are ${process.env.JPKI_PINENTRY ?? "pinentry"}. Close the browser window to end the demo.`);
  await new Promise((resolve) => context.once("close", resolve));
  // Give the last host a moment to notice its browser went away.
  await sleep(200);
}

let status = 0;
try {
  h.checkPrerequisites("chromium");
  await (headed ? withAPerson() : headless());
  if (!headed) console.log("\nThe server verified the login and both signatures: the demo worked.");
} catch (error) {
  console.error(`\ndemo: ${error.stack ?? error}`);
  await h.reportFailure({ label: "demo", name: "demo", scratch: scratch.dir, pages: context?.pages() ?? [], pinentry });
  status = 1;
} finally {
  await stopAll();
}
process.exit(status);
