// What the end-to-end tests (chromium.test.mjs, firefox.test.mjs) and the headless demo
// (demo.mjs) share: the build's programs, a scratch folder, the demo portal over HTTPS with a
// throw-away certificate and the test PKI's trust anchors, the scripted pinentry, the host's
// manifest in a throw-away browser profile, the browsers, and the card simulator's signals.
//
// Everything here runs inside tests/with-virtual-card (JPKI_SIM_PID). Every process is started
// here and stopped by its own PID (or, for the browsers, by their driver's close()); nothing is
// ever looked up or killed by name. Network: loopback only.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = path.resolve(here, "../..");
export const buildDir = path.resolve(process.env.JPKI_BUILD_DIR ?? path.join(sourceDir, "build/default"));

/**
 * E2E_INSTALLED=1: the browsers use what the package installed (tests/install/): the host and
 * `jpki` under /usr, the system-wide host manifests and the extension under /usr/share, and no
 * manifest in the throw-away profile. The portal, the pinentry and the test PKI stay the build's.
 */
export const installed = process.env.E2E_INSTALLED === "1";

/** What the .deb installs (installer/linux/, manifests/). */
export const system = {
  host: "/usr/libexec/jpki-bridge/jpki-bridge-host",
  jpki: "/usr/bin/jpki",
  manifests: { chrome: "/etc/chromium/native-messaging-hosts", firefox: "/usr/lib/mozilla/native-messaging-hosts" },
};

export const paths = {
  host: installed ? system.host : path.join(buildDir, "host/bridge/jpki-bridge-host"),
  portal: path.join(buildDir, "demo/jpki-demo-portal"),
  jpki: installed ? system.jpki : path.join(buildDir, "host/cli/jpki"),
  fakePinentry: path.join(buildDir, "tests/fake-pinentry/fake-pinentry"),
  scriptedPinentry: path.join(here, "scripted-pinentry"),
  authCa: path.join(buildDir, "test-pki/auth-ca.pem"),
  signCa: path.join(buildDir, "test-pki/sign-ca.pem"),
  manifests: path.join(buildDir, "manifests/build-tree"),
  screenshots: path.join(buildDir, "screenshots"),
  extension: path.join(sourceDir, "extension"),
  chromium: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
  firefox: process.env.E2E_FIREFOX ?? "/usr/bin/firefox-esr",
};

export const CHROME_EXTENSION_ID = "aiggbfaepgjdkmjpdmgaocidapelfklm";
export const FIREFOX_EXTENSION_ID = "jpki-bridge@jpki-bridge.org";
/** The extension's moz-extension:// host in our Firefox profiles (`extensions.webextensions.uuids`). */
export const FIREFOX_EXTENSION_UUID = "5a1c3e0e-7d1b-4c57-9a3e-2f6b8e0d4c21";
export const HOST_NAME = "jp.jpki_bridge";
/** The simulated card's secrets (jpki-card-sim's defaults, docs/simulator.md). */
export const TEST_PINS = { auth: "1234", sign: "ABC123", support: "1234" };
/** The holder of the test PKI's signing certificate (tests/pki/make-test-pki). */
export const HOLDER_NAME = "テスト　太郎";
/** The basic 4 attributes of the simulated card (tests/sim/sim_profile.c, tests/pki/make-test-pki). */
export const HOLDER_ATTRIBUTES = {
  name: HOLDER_NAME,
  address: "東京都千代田区霞が関２丁目１番２号　テスト",
  birthDate: "19900101",
  sex: "1",
};
export const LOGIN_CHECKS = ["origin", "nonce", "signature", "chain"];
export const APPLY_CHECKS = ["digest", "signature", "chain"];

// ---------------------------------------------------------------------------------------------
// Processes: each child is remembered until it has exited; if this node process ends anyway
// (a crash, a timeout), the ones still running are killed by their PID.

const children = new Set();

process.on("exit", () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

/** Resolves true once the child has exited, false after `ms`. */
function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM by PID, SIGKILL after 5 s; resolves to `{code, signal}`. */
async function stopChild(child) {
  if (child.exitCode === null && child.signalCode === null) {
    process.kill(child.pid, "SIGTERM");
    if (!(await exited(child, 5000))) {
      process.kill(child.pid, "SIGKILL");
      await exited(child, 5000);
    }
  }
  children.delete(child);
  return { code: child.exitCode, signal: child.signalCode };
}

// ---------------------------------------------------------------------------------------------
// Scratch folder, screenshots

/** A new scratch folder under TMPDIR; `remove()` deletes it. */
export function makeScratch(prefix = "jpki-e2e-") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** What the screenshots of a run start with: an installed package's apart from the build's. */
const screenshotPrefix = installed ? "e2e-installed" : "e2e";

/** build/<preset>/screenshots/PREFIX-NAME.png */
export function screenshotPath(name, prefix = screenshotPrefix) {
  fs.mkdirSync(paths.screenshots, { recursive: true });
  return path.join(paths.screenshots, `${prefix}-${name}.png`);
}

/** Fails early, with what to do, when the build or a browser is missing. */
export function checkPrerequisites(...browsers) {
  const missing = [paths.host, paths.portal, paths.jpki, paths.fakePinentry, paths.authCa, paths.signCa]
    .concat(browsers.map((b) => paths[b]))
    .filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    throw new Error(`missing (build first; browsers: scripts/install-deps): ${missing.join(", ")}`);
  }
  if (process.env.JPKI_SIM_PID === undefined) {
    throw new Error("JPKI_SIM_PID is not set: run this inside tests/with-virtual-card");
  }
}

// ---------------------------------------------------------------------------------------------
// The demo portal over HTTPS

/** A self-signed certificate for 127.0.0.1 (and localhost), made once per scratch folder. */
export function makeCertificate(scratch) {
  const cert = path.join(scratch, "portal-cert.pem");
  const key = path.join(scratch, "portal-key.pem");
  if (!fs.existsSync(cert)) {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  }
  return { cert, key };
}

/** Resolves to the child's first line on standard output. */
function firstLine(child, ms, what) {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => finish(new Error(`${what}: no start-up line within ${ms} ms`)), ms);
    const onData = (chunk) => {
      text += chunk;
      const end = text.indexOf("\n");
      if (end >= 0) finish(null, text.slice(0, end));
    };
    const onExit = (code, signal) => finish(new Error(`${what} exited (${code ?? signal}) before its start-up line`));
    function finish(error, line) {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
      child.stdout.resume(); // keep draining whatever else it prints
      if (error) reject(error);
      else resolve(line);
    }
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", onData);
    child.once("exit", onExit);
  });
}

/**
 * Starts jpki-demo-portal on a free loopback port over HTTPS, trusting the test PKI's CAs.
 * Resolves to `{url, origin, pid, logFile, stop()}`; `stop()` sends SIGTERM to its PID and
 * resolves to its `{code, signal}` (a clean stop is code 0, also under ASan's leak check).
 */
export async function startPortal(scratch, { name = "portal", args = [] } = {}) {
  const { cert, key } = makeCertificate(scratch);
  const logFile = path.join(scratch, `${name}.log`);
  const log = fs.openSync(logFile, "w");
  const child = spawn(
    paths.portal,
    ["--port", "0", "--https-cert", cert, "--https-key", key, "--auth-ca", paths.authCa,
      "--sign-ca", paths.signCa, ...args],
    {
      stdio: ["ignore", "pipe", log],
      // Under ASan, as demo/test_portal.sh: LeakSanitizer misreads the dynamic TLS of the
      // GnuTLS module GIO loads for HTTPS and dies in its tracer unless it leaves
      // __tls_get_addr alone. Leaks are still found.
      env: { ...process.env, LSAN_OPTIONS: [process.env.LSAN_OPTIONS, "intercept_tls_get_addr=0"].filter(Boolean).join(":") },
    },
  );
  fs.closeSync(log);
  children.add(child);
  let line;
  try {
    line = await firstLine(child, 15000, name);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${error.message}\n${fs.readFileSync(logFile, "utf8")}`);
  }
  const match = /listening on (https:\/\/\S+\/) \(login tokens must be for the origin (\S+)\)/.exec(line);
  if (match === null) {
    await stopChild(child);
    throw new Error(`${name}: unexpected start-up line: ${line}`);
  }
  return { url: match[1], origin: match[2], pid: child.pid, logFile, stop: () => stopChild(child) };
}

// ---------------------------------------------------------------------------------------------
// The scripted pinentry (tests/fake-pinentry), switched per scenario through a file

function shellQuote(value) {
  return `'${String(value).replaceAll("'", "'\\''")}'`;
}

export class ScriptedPinentry {
  constructor(scratch) {
    this.envFile = path.join(scratch, "pinentry.env");
    this.logFile = path.join(scratch, "pinentry.log");
    this.counterFile = path.join(scratch, "pinentry.counter");
    this.set({});
  }

  /** What the host's environment needs (JPKI_PINENTRY and the wrapper's two variables). */
  get environment() {
    return {
      JPKI_PINENTRY: paths.scriptedPinentry,
      E2E_PINENTRY_ENV: this.envFile,
      E2E_FAKE_PINENTRY: paths.fakePinentry,
    };
  }

  /**
   * The next dialogs' behaviour, as fake_pinentry.c's variables without the prefix: e.g.
   * `{PIN: "1234"}`, `{PINS: "0000;1234"}` (the counter is added), `{PINS: "CANCEL"}`,
   * `{PIN: "1234", HANG_ON: "CONFIRM"}`. Empties the log and the counter.
   */
  set(settings) {
    const variables = { LOG: this.logFile, ...settings };
    if ("PINS" in settings) variables.COUNTER = this.counterFile;
    fs.rmSync(this.counterFile, { force: true });
    fs.writeFileSync(this.logFile, "");
    const lines = Object.entries(variables).map(([name, value]) => `export FAKE_PINENTRY_${name}=${shellQuote(value)}`);
    fs.writeFileSync(this.envFile, `${lines.join("\n")}\n`);
  }

  /** The Assuan commands the dialogs received since the last set(), e.g. "GETPIN", "SETDESC …". */
  log() {
    return fs.readFileSync(this.logFile, "utf8").split("\0").filter((entry) => entry !== "");
  }

  /** How many times a command (GETPIN, CONFIRM, …) came. */
  count(command) {
    return this.log().filter((entry) => entry === command || entry.startsWith(`${command} `)).length;
  }

  /** Waits until a command has come (a dialog is open), at most `ms`. */
  async waitFor(command, ms = 20000) {
    const deadline = Date.now() + ms;
    while (this.count(command) === 0) {
      if (Date.now() > deadline) throw new Error(`no ${command} reached the pinentry within ${ms} ms: ${JSON.stringify(this.log())}`);
      await sleep(100);
    }
  }
}

/**
 * The environment of the browser (and so of every host it starts): the scripted pinentry,
 * a host.conf of the test's own that switches the test variables on (JPKI_PINENTRY, the card
 * wait, and the whole environment for the scripted pinentry) with any `hostConf` lines added
 * (e.g. portal-origins), the host's data (the portals' installation id) in the scratch folder,
 * a short card wait.
 */
export function hostEnvironment(scratch, pinentry, { hostConf = [] } = {}) {
  const config = path.join(scratch, "xdg-config");
  fs.mkdirSync(path.join(config, "jpki-bridge"), { recursive: true });
  const conf = ["[host]", "test-variables=true", ...hostConf, ""].join("\n");
  fs.writeFileSync(path.join(config, "jpki-bridge", "host.conf"), conf, { mode: 0o600 });
  const data = path.join(scratch, "xdg-data");
  fs.mkdirSync(data, { recursive: true });
  const reports = path.join(scratch, "sanitizer");
  fs.mkdirSync(reports, { recursive: true });
  // Under the asan preset the host (and the scripted pinentry) are sanitized builds. A report
  // on the host's standard error would only reach the browser's console, so ASan/LSan/UBSan
  // write it to a file instead (log_path, one per process), which sanitizerReports() reads.
  // The browsers are not sanitized builds: they ignore these variables.
  const withLogPath = (options) => [options, `log_path=${path.join(reports, "report")}`].filter(Boolean).join(":");
  return {
    ...(pinentry === undefined ? {} : pinentry.environment),
    XDG_CONFIG_HOME: config,
    XDG_DATA_HOME: data,
    JPKI_BRIDGE_CARD_WAIT_SECONDS: "30",
    ASAN_OPTIONS: withLogPath(process.env.ASAN_OPTIONS),
    UBSAN_OPTIONS: withLogPath(process.env.UBSAN_OPTIONS),
  };
}

/** The sanitizer reports the hosts started by the browser wrote (none: ""). */
export function sanitizerReports(scratch) {
  const reports = path.join(scratch, "sanitizer");
  if (!fs.existsSync(reports)) return "";
  return fs
    .readdirSync(reports)
    .map((file) => `${file}:\n${fs.readFileSync(path.join(reports, file), "utf8")}`)
    .join("\n");
}

// ---------------------------------------------------------------------------------------------
// The extension and the host's manifest

/**
 * The extension as it is packaged (extension/README.md: without page/, test/, tools/ and the
 * npm and lint files), copied into the scratch folder so that an `npm ci` of the extension's
 * checks running at the same time cannot change it under the browser. `grantHosts` (match
 * patterns) are added to its host_permissions: what a user grants when the options page asks.
 */
export function packageExtension(scratch, { grantHosts = [] } = {}) {
  const target = path.join(scratch, "extension");
  const notPackaged = new Set(["node_modules", "page", "test", "tools", "package.json", "package-lock.json",
    "eslint.config.js", "tsconfig.json", "tsconfig.page.json", "check.sh", "README.md"]);
  fs.cpSync(paths.extension, target, {
    recursive: true,
    filter: (source) => path.dirname(source) !== paths.extension || !notPackaged.has(path.basename(source)),
  });
  if (grantHosts.length > 0) {
    const file = path.join(target, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    manifest.host_permissions = [...(manifest.host_permissions ?? []), ...grantHosts];
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
  }
  return target;
}

/**
 * Writes the build tree's host manifest (manifests/, pointing at this build's host) for one
 * browser family into `dir` and checks that it names the host and the extension's ID. With
 * `host`, the manifest written names that program instead (a stand-in that starts the build's
 * host, e.g. to record its frames).
 * @param {"chrome" | "firefox"} family
 */
export function installHostManifest(dir, family, host = undefined) {
  const source = path.join(paths.manifests, family, `${HOST_NAME}.json`);
  const manifest = checkHostManifest(source, family);
  fs.mkdirSync(dir, { recursive: true });
  if (host === undefined) fs.copyFileSync(source, path.join(dir, `${HOST_NAME}.json`));
  else fs.writeFileSync(path.join(dir, `${HOST_NAME}.json`), JSON.stringify({ ...manifest, path: host }, null, 2));
  return manifest;
}

/** Reads a host manifest and checks that it names the host, the extension's ID and `paths.host`. */
function checkHostManifest(file, family) {
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  const allowed = family === "chrome" ? manifest.allowed_origins : manifest.allowed_extensions;
  const expected = family === "chrome" ? `chrome-extension://${CHROME_EXTENSION_ID}/` : FIREFOX_EXTENSION_ID;
  if (manifest.name !== HOST_NAME || !allowed?.includes(expected) || manifest.path !== paths.host || !fs.existsSync(manifest.path)) {
    throw new Error(`${file} does not name ${HOST_NAME}, ${expected} and the host ${paths.host}`);
  }
  return manifest;
}

/**
 * Where the browser finds the host: the build tree's manifest copied into `profileDir`, or
 * (E2E_INSTALLED) the system-wide one the package installed, which the browser reads itself.
 * @param {"chrome" | "firefox"} family
 */
function provideHostManifest(profileDir, family, host) {
  if (installed) return checkHostManifest(path.join(system.manifests[family], `${HOST_NAME}.json`), family);
  return installHostManifest(profileDir, family, host);
}

// ---------------------------------------------------------------------------------------------
// Languages: each browser runs in the locale of the language a scenario checks, whatever the
// outer LANG. The browsers' UI language (and with it the extension's chrome.i18n), the portal's
// (Accept-Language) and the host's dialogs (LC_ALL, docs/protocol.md) all follow it.

/** The locale each language runs in. */
export const LOCALES = { ja: "ja_JP.UTF-8", en: "en_US.UTF-8" };

function localeInstalled(name) {
  // As glibc normalizes a codeset: "ja_JP.UTF-8" is listed as "ja_JP.utf8".
  const normal = (locale) => {
    const [language, codeset] = locale.trim().split(".");
    return codeset === undefined ? language : `${language}.${codeset.toLowerCase().replace(/[^a-z0-9]/g, "")}`;
  };
  const installed = execFileSync("locale", ["-a"], { encoding: "utf8" }).split("\n").map(normal);
  return installed.includes(normal(name));
}

/**
 * Makes sure the C library has the locale `name` (e.g. "ja_JP.UTF-8"), generating it with
 * Debian's localedef (the `locales` package, scripts/install-deps) when it is missing. That
 * writes /usr/lib/locale/locale-archive: it needs root. Throws, saying what to do, when the
 * locale cannot be made.
 */
export function ensureLocale(name) {
  if (localeInstalled(name)) return;
  const [input, charmap] = name.split(".");
  let detail = "";
  try {
    execFileSync("localedef", ["-i", input, "-f", charmap, name], { stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    // localedef exits 1 after mere warnings too: whether the locale is there decides.
    detail = `${error.stderr ?? error.message}`.trim();
  }
  if (!localeInstalled(name)) {
    throw new Error(
      `the locale ${name} is not installed and "localedef -i ${input} -f ${charmap} ${name}" could not make it` +
        `${detail === "" ? "" : ` (${detail})`}: run that as root (Debian's locales package, scripts/install-deps)`,
    );
  }
}

/** LANG, LC_ALL and LANGUAGE for a browser (and the hosts it starts) in `lang`. */
export function languageEnvironment(lang) {
  const locale = LOCALES[lang];
  if (locale === undefined) throw new Error(`no locale for the language ${lang}`);
  ensureLocale(locale);
  return { LANG: locale, LC_ALL: locale, LANGUAGE: lang };
}

// ---------------------------------------------------------------------------------------------
// Browsers

/**
 * Chromium through playwright-core with the extension loaded and the host installed in a
 * throw-away profile (`<profile>/NativeMessagingHosts/`). Resolves once the extension's
 * service worker runs. `close()` of the returned context stops the browser.
 */
export async function launchChromium(scratch, { env = {}, headless = true, lang = "ja", grantHosts = [], host } = {}) {
  const { chromium } = await import("playwright-core");
  const profile = path.join(scratch, "chromium-profile");
  provideHostManifest(path.join(profile, "NativeMessagingHosts"), "chrome", host);
  // Installed: Debian's chromium wrapper loads the package's /usr/share/chromium/extensions/
  // itself (/etc/chromium.d/extensions), unless Playwright turns extensions off.
  const extensionArgs = [];
  if (!installed) {
    const extension = packageExtension(scratch, { grantHosts });
    extensionArgs.push(`--disable-extensions-except=${extension}`, `--load-extension=${extension}`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: paths.chromium,
    headless,
    ...(installed ? { ignoreDefaultArgs: ["--disable-extensions"] } : {}),
    ignoreHTTPSErrors: true,
    locale: lang === "ja" ? "ja-JP" : "en-US",
    viewport: headless ? { width: 1000, height: 800 } : null,
    env: { ...process.env, ...languageEnvironment(lang), ...env },
    args: [
      // Chromium's sandbox refuses to run as root (containers, CI).
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--no-default-browser-check",
      `--lang=${lang}`,
      ...extensionArgs,
    ],
  });
  const isOurs = (worker) => worker.url().startsWith(`chrome-extension://${CHROME_EXTENSION_ID}/`);
  const worker = context.serviceWorkers().find(isOurs) ?? (await context.waitForEvent("serviceworker", { predicate: isOurs, timeout: 20000 }));
  // Chromium shows an extension in its own UI language, which it has only with that
  // language's resources (Debian's chromium-l10n: locales/ja.pak).
  const shown = await worker.evaluate(() => chrome.i18n.getMessage("langCode"));
  if (shown !== lang) {
    await context.close();
    throw new Error(`Chromium shows the extension in "${shown}", not "${lang}": it follows the locale it runs in ` +
      `(LANGUAGE, LANG) and has Japanese only with chromium-l10n (scripts/install-deps)`);
  }
  return context;
}

/**
 * Firefox ESR through puppeteer-core (WebDriver BiDi) with HOME in the scratch folder holding
 * `.mozilla/native-messaging-hosts/`, a throw-away profile, and the extension installed as a
 * temporary add-on. `close()` of the returned browser stops it.
 */
export async function launchFirefox(scratch, { env = {}, lang = "ja", grantHosts = [], host } = {}) {
  const { default: puppeteer } = await import("puppeteer-core");
  const home = path.join(scratch, "firefox-home");
  provideHostManifest(path.join(home, ".mozilla", "native-messaging-hosts"), "firefox", host);
  const profile = path.join(scratch, "firefox-profile");
  fs.mkdirSync(profile, { recursive: true });
  // Installed: Firefox installs the package's unsigned .xpi itself, as an administrator's policy
  // says (the package's example in /etc/firefox/policies/: tests/install/, installer/linux/).
  const extension = installed ? undefined : packageExtension(scratch, { grantHosts });
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: paths.firefox,
    headless: true,
    acceptInsecureCerts: true,
    userDataDir: profile,
    env: { ...process.env, HOME: home, ...languageEnvironment(lang), ...env },
    // Lets WebDriver BiDi open the extension's own pages (moz-extension://, openExtensionPage).
    args: ["--remote-allow-system-access"],
    extraPrefsFirefox: {
      // The browser's UI language, which the extension's browser.i18n follows; Firefox ESR has
      // Japanese only with Debian's firefox-esr-l10n-ja (a language pack).
      "intl.locale.requested": lang === "ja" ? "ja" : "en-US",
      // The portal's pages follow Accept-Language.
      "intl.accept_languages": lang === "ja" ? "ja,en" : "en",
      "extensions.webextensions.uuids": JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_EXTENSION_UUID }),
      "browser.shell.checkDefaultBrowser": false,
      "datareporting.policy.dataSubmissionEnabled": false,
    },
  });
  const id = installed ? FIREFOX_EXTENSION_ID : await browser.installExtension(extension);
  if (id !== FIREFOX_EXTENSION_ID) {
    await browser.close();
    throw new Error(`Firefox installed the extension as ${id}, not ${FIREFOX_EXTENSION_ID}`);
  }
  const page = await browser.newPage();
  try {
    if (installed) await openPolicyInstalledPage(page, "popup.html");
    else await openFirefoxExtensionPage(page, "popup.html");
    const shown = await page.evaluate(() => browser.i18n.getMessage("langCode"));
    // The popup asks a host for the status: closing it before the answer would leave that
    // host to be cut off in the middle of its command.
    await waitInPage(page, () => document.querySelector("#status .checking") === null, undefined, "the popup's status");
    if (shown !== lang) {
      throw new Error(`Firefox shows the extension in "${shown}", not "${lang}": it follows intl.locale.requested ` +
        `and has Japanese only with firefox-esr-l10n-ja (scripts/install-deps)`);
    }
  } catch (error) {
    await browser.close();
    throw error;
  } finally {
    if (browser.connected) await page.close();
  }
  return browser;
}

/**
 * Loads one of the extension's pages in a Puppeteer page of our Firefox. Navigated through the
 * page's WebDriver BiDi browsing context: page.goto() waits for a network response, which an
 * extension page never has.
 */
async function openFirefoxExtensionPage(page, file) {
  await page.mainFrame().browsingContext.navigate(`moz-extension://${FIREFOX_EXTENSION_UUID}/${file}`, "complete");
}

/**
 * Opens one of the extension's pages once Firefox has installed the add-on its policy names,
 * which it does in the background after start-up: fails after `ms` saying so.
 */
async function openPolicyInstalledPage(page, file, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await openFirefoxExtensionPage(page, file);
      if (await page.evaluate(() => typeof browser !== "undefined" && browser.i18n !== undefined)) return;
    } catch {
      // not installed yet: the moz-extension:// host does not exist
    }
    if (Date.now() > deadline) {
      throw new Error(`Firefox did not install ${FIREFOX_EXTENSION_ID} from its policy (/etc/firefox/policies/policies.json) within ${ms} ms`);
    }
    await sleep(250);
  }
}

/**
 * One browser, Chromium (playwright-core) or Firefox ESR (puppeteer-core), in one language,
 * behind the few calls the scenarios (scenarios.mjs) need that the drivers spell differently.
 * Pages are the driver's own: goto, click, evaluate (one argument), bringToFront, frames,
 * screenshot and url are the same in both. `runAtLoad(page, fn, arg)` has the page run `fn(arg)`
 * at the start of every document it loads from then on, as the page's own script would.
 * `host` names a program for the host manifest instead of the build's host (a stand-in that
 * starts it).
 * @param {"chromium" | "firefox"} kind
 */
export async function launchBrowser(kind, scratch, { env = {}, lang = "ja", grantHosts = [], host } = {}) {
  if (kind === "chromium") {
    const context = await launchChromium(scratch, { env, lang, grantHosts, host });
    return {
      kind,
      lang,
      newPage: () => context.newPage(),
      pages: async () => context.pages(),
      runAtLoad: (page, fn, arg) => page.addInitScript(fn, arg),
      resize: (page, width, height) => page.setViewportSize({ width, height }),
      openExtensionPage: async (page, file) => {
        await page.goto(`chrome-extension://${CHROME_EXTENSION_ID}/${file}`);
      },
      close: () => context.close(),
    };
  }
  if (kind === "firefox") {
    const browser = await launchFirefox(scratch, { env, lang, grantHosts, host });
    return {
      kind,
      lang,
      newPage: async () => {
        const page = await browser.newPage();
        await page.setViewport({ width: 1000, height: 800 });
        return page;
      },
      pages: () => browser.pages(),
      runAtLoad: (page, fn, arg) => page.evaluateOnNewDocument(fn, arg),
      resize: (page, width, height) => page.setViewport({ width, height }),
      openExtensionPage: openFirefoxExtensionPage,
      close: () => browser.close(),
    };
  }
  throw new Error(`no browser ${kind}`);
}

/**
 * Polls `fn(arg)` in the page until it returns a truthy value, which it resolves to; throws
 * after `ms` naming `what`. (Playwright's and Puppeteer's waitForFunction take their
 * arguments in different orders.)
 */
export async function waitInPage(page, fn, arg, what, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// The simulated card

/** Whether `jpki status` sees a card in the virtual reader now. */
function cardPresent() {
  try {
    const status = JSON.parse(execFileSync(paths.jpki, ["status", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    return status.card !== undefined && status.card !== null;
  } catch {
    return false;
  }
}

/**
 * SIGUSR1 (remove) or SIGUSR2 (insert) to the simulator, then (unless `wait` is false: a host
 * is using the reader) waits until pcscd agrees.
 */
export async function simulateCard(present, { wait = true, ms = 10000 } = {}) {
  const pid = Number(process.env.JPKI_SIM_PID);
  process.kill(pid, present ? "SIGUSR2" : "SIGUSR1");
  if (!wait) return;
  const deadline = Date.now() + ms;
  while (cardPresent() !== present) {
    if (Date.now() > deadline) throw new Error(`the simulated card was not ${present ? "inserted" : "removed"} within ${ms} ms`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// The portal's pages (demo/README.md, "The pages, for browser tests")

/**
 * Waits until `#<prefix>-result` has left idle and pending; resolves to what it shows.
 * `page` is a Playwright or Puppeteer page (both have waitForFunction and evaluate).
 * @param {"login" | "apply"} prefix
 */
export async function waitForResult(page, prefix, ms = 60000) {
  // Polled with evaluate(): Playwright's and Puppeteer's waitForFunction take their
  // arguments in different orders.
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await page.evaluate((id) => document.getElementById(id)?.dataset.status ?? "", `${prefix}-result`);
    if (status === "ok" || status === "error") break;
    if (Date.now() > deadline) throw new Error(`#${prefix}-result still "${status}" after ${ms} ms`);
    await sleep(100);
  }
  return page.evaluate((p) => {
    const section = document.getElementById(`${p}-result`);
    const text = (id) => document.getElementById(id)?.textContent?.trim() ?? "";
    const checks = {};
    for (const item of section.querySelectorAll("li[data-check]")) checks[item.dataset.check] = item.dataset.result;
    return {
      status: section.dataset.status,
      code: section.dataset.code ?? "",
      method: section.dataset.method ?? "",
      title: text(`${p}-result-title`),
      error: text(`${p}-error`),
      errorMessage: text(`${p}-error-message`),
      checks,
      subject: text("login-subject"),
      serial: text("login-serial"),
      notAfter: text("login-not-after"),
      signerName: text("signer-name"),
      signerAddress: text("signer-address"),
      signerSubject: text("signer-subject"),
      signingTime: text("apply-signing-time"),
      digest: text("apply-digest"),
    };
  }, prefix);
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(none)";
  }
}

/** Deletes the failure screenshots a previous run of `label` left. */
export function clearFailureScreenshots(label) {
  if (!fs.existsSync(paths.screenshots)) return;
  for (const file of fs.readdirSync(paths.screenshots)) {
    if (file.startsWith(`${screenshotPrefix}-failure-${label}-`)) fs.rmSync(path.join(paths.screenshots, file));
  }
}

/**
 * After a failed scenario: a screenshot of each open page (e2e-failure-LABEL-*.png) and, on
 * standard error, the dialogs since the scenario's last set() and the portals' logs.
 */
export async function reportFailure({ label, name, scratch, pages = [], pinentry }) {
  const slug = name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 50);
  let index = 0;
  for (const page of pages) {
    try {
      if (page.url() === "about:blank") continue;
      index += 1;
      await page.screenshot({ path: screenshotPath(`failure-${label}-${slug}-${index}`), fullPage: true });
    } catch {
      // a page that is gone
    }
  }
  const parts = [`--- ${name}: diagnostics`];
  if (pinentry !== undefined) parts.push(`pinentry: ${JSON.stringify(pinentry.log())}`);
  if (scratch !== undefined) {
    for (const file of fs.readdirSync(scratch).filter((f) => f.endsWith(".log") && f !== "pinentry.log")) {
      parts.push(`${file}:\n${tail(path.join(scratch, file))}`);
    }
  }
  process.stderr.write(`${parts.join("\n")}\n`);
}
