// The PIN's secrecy in the browser (SECURITY.md): PINs of this run's own, typed in the host's PIN
// dialog (the scripted pinentry) during a login (a wrong one first, then the right one) and the
// demo's two signing flows, must then appear in none of these:
//
// - what the page receives: every window message (the extension's answers carry the results the
//   page library returns), the page's DOM and its localStorage and sessionStorage, read at the
//   end of each flow;
// - the extension's messages to and from the host: every native-messaging frame, recorded by a
//   stand-in that the host manifest in the throw-away profile names in place of the host (it
//   starts the build's host between two `tee`s, one pair of files per host started);
// - the extension's storage: storage.local and storage.session, read from an extension page;
// - every file of the browser's profile (and of Firefox's scratch HOME) once the browser is closed.
//
// The card's authentication and signing PINs are changed to this run's with `jpki pin change`
// (its --pin-fd) before the flows and back to the simulated card's defaults after them. A
// 4-digit PIN is looked for everywhere as a number of its own only (not inside a longer run of
// digits: the timestamps pages and browsers write matched one by chance, in the page after a
// login and in a profile file; a PIN that leaks as such, in JSON or in text, stands apart), and
// is drawn among those the profile does not already hold once the browser has started
// (Firefox's own databases hold thousands of numbers). Firefox's startupCache/ is not
// searched: it holds Firefox's own scripts compiled to bytecode and is written only at shutdown,
// after that draw, and its numbers once matched the drawn 4-digit PIN (a run with LANG unset).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import * as h from "./harness.mjs";

/** A file's bytes, or undefined when it went away after it was listed (a running browser
 * writes and removes temporary files, e.g. LevelDB's *.dbtmp, all the time). */
function readIfStillThere(file) {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Every 4-digit number of its own in the files (UTF-8 or UTF-16LE). */
function numbersIn(files) {
  const numbers = new Set();
  for (const file of files) {
    const data = readIfStillThere(file);
    if (data === undefined) continue;
    const text = data.toString("latin1").replaceAll("\0", "");
    for (const [number] of text.matchAll(/(?<![0-9])[0-9]{4}(?![0-9])/g)) numbers.add(number);
  }
  return numbers;
}

/**
 * Two PINs of 4 digits (the authentication PIN and a wrong one) that are neither the card's
 * default nor among `taken`, and a signing password of upper-case letters and digits.
 */
function uniquePins(taken) {
  const digits = () => {
    for (;;) {
      const pin = String(crypto.randomInt(1000, 10000));
      if (pin !== h.TEST_PINS.auth && !taken.has(pin)) return pin;
    }
  };
  const auth = digits();
  let wrongAuth = digits();
  while (wrongAuth === auth) wrongAuth = digits();
  const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  const sign = `Q${Array.from({ length: 4 }, () => letters[crypto.randomInt(letters.length)]).join("")}${crypto.randomInt(10000, 100000)}`;
  return { auth, wrongAuth, sign };
}

/** `jpki pin change SECRET` with the current and the new PIN on its --pin-fd (stdin). */
function changePin(secret, current, next) {
  execFileSync(h.paths.jpki, ["pin", "change", secret, "--json", "--pin-fd", "0"], {
    input: `${current}\n${next}\n`,
    stdio: ["pipe", "ignore", "pipe"],
  });
}

/**
 * The recording stand-in for the host: the browser's frames to the host and the host's to the
 * browser, in FRAMES/PID.to-host and FRAMES/PID.from-host.
 */
function writeRecorder(scratch) {
  const frames = path.join(scratch, "frames");
  fs.mkdirSync(frames);
  const recorder = path.join(scratch, "recording-host");
  const quote = (value) => `'${value.replaceAll("'", "'\\''")}'`;
  fs.writeFileSync(recorder, [
    "#!/bin/sh",
    `frames=${quote(frames)}`,
    `tee "$frames/$$.to-host" | ${quote(h.paths.host)} "$@" | tee "$frames/$$.from-host"`,
    "",
  ].join("\n"), { mode: 0o755 });
  return { recorder, frames };
}

/** Has every document the page loads record the window messages it receives. */
function recordPage(s) {
  return s.browser.runAtLoad(s.page, () => {
    window.e2eMessages = [];
    window.addEventListener("message", (event) => {
      window.e2eMessages.push(typeof event.data === "string" ? event.data : JSON.stringify(event.data));
    }, true);
  });
}

/** What the page received and shows now: its messages, DOM and web storage. */
async function pageSaw(s, flow) {
  const seen = await s.page.evaluate(() => JSON.stringify({
    messages: window.e2eMessages ?? null,
    dom: document.documentElement.outerHTML,
    localStorage: { ...localStorage },
    sessionStorage: { ...sessionStorage },
  }));
  assert.notEqual(JSON.parse(seen).messages, null, `${flow}: the page recorded its messages`);
  assert.ok(JSON.parse(seen).messages.length > 0, `${flow}: the page received the extension's answers`);
  s.received.push([`the page after ${flow}`, Buffer.from(seen)]);
}

/** Where each PIN occurs in data (UTF-8 and UTF-16LE); a PIN of digits only where it is not
 * inside a longer number. */
function occurrences(data, pins) {
  const found = [];
  for (const [name, pin] of Object.entries(pins)) {
    for (const [encoding, unit] of [["utf8", 1], ["utf16le", 2]]) {
      const needle = Buffer.from(pin, encoding);
      for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + 1)) {
        const isDigit = (i) => i >= 0 && i < data.length && data[i] >= 0x30 && data[i] <= 0x39 &&
          (unit === 1 || data[i + 1] === 0);
        if (/^\d+$/.test(pin) && (isDigit(at - unit) || isDigit(at + needle.length))) continue;
        found.push(`${name} (${encoding}) at ${at}`);
      }
    }
  }
  return found;
}

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * The PIN's secrecy in one browser (in Japanese): the flows, then every place above searched.
 * @param {"chromium" | "firefox"} kind
 */
export function pinSecrecySuite(kind) {
  describe(`${kind}: a PIN typed in the dialog reaches neither the page, the extension, its storage nor the profile`, () => {
    const s = { kind, lang: "ja", received: [] };
    const profiles = kind === "chromium" ? ["chromium-profile"] : ["firefox-profile", "firefox-home"];
    const compiledCode = path.join("firefox-profile", "startupCache") + path.sep;
    const profileFiles = () => profiles.flatMap((dir) => filesUnder(path.join(s.scratch.dir, dir)))
      .filter((file) => !path.relative(s.scratch.dir, file).startsWith(compiledCode));
    let pins;
    let changed = [];

    before(async () => {
      h.checkPrerequisites(kind);
      s.scratch = h.makeScratch(`jpki-e2e-secrecy-${kind}-`);
      ({ recorder: s.recorder, frames: s.frames } = writeRecorder(s.scratch.dir));
      s.pinentry = new h.ScriptedPinentry(s.scratch.dir);
      s.portal = await h.startPortal(s.scratch.dir);
      s.browser = await h.launchBrowser(kind, s.scratch.dir, {
        lang: s.lang, env: h.hostEnvironment(s.scratch.dir, s.pinentry), host: s.recorder,
      });
      pins = uniquePins(numbersIn(profileFiles()));
      changePin("auth", h.TEST_PINS.auth, pins.auth);
      changed.push(["auth", pins.auth, h.TEST_PINS.auth]);
      changePin("sign", h.TEST_PINS.sign, pins.sign);
      changed.push(["sign", pins.sign, h.TEST_PINS.sign]);
      s.page = await s.browser.newPage();
      await recordPage(s);
    });

    after(async () => {
      await s.browser?.close();
      await s.portal?.stop();
      const restore = changed;
      changed = [];
      for (const [secret, current, original] of restore) changePin(secret, current, original);
      s.scratch?.remove();
    });

    const flows = [
      ["login: a wrong PIN, then the right one", async () => {
        s.pinentry.set({ PINS: `${pins.wrongAuth};${pins.auth}` });
        await s.page.goto(s.portal.url);
        await s.page.click("#login-button");
        const result = await h.waitForResult(s.page, "login");
        assert.equal(result.status, "ok", JSON.stringify(result));
        assert.equal(s.pinentry.count("GETPIN"), 2, "two PINs typed");
        await pageSaw(s, "the login");
      }],
      ...["#sign-cms-button", "#sign-raw-button"].map((button) => [`signing (${button})`, async () => {
        s.pinentry.set({ PIN: pins.sign });
        await s.page.goto(new URL("apply", s.portal.url).href);
        assert.match(s.page.url(), /\/apply$/, "logged in");
        await s.page.click(button);
        const result = await h.waitForResult(s.page, "apply");
        assert.equal(result.status, "ok", JSON.stringify(result));
        assert.ok(s.pinentry.count("GETPIN") >= 1, "the signing password typed");
        await pageSaw(s, button);
      }]),
      ["none of the PINs in the page, the frames, the extension's storage or the profile", async (t) => {
        const extensionPage = await s.browser.newPage();
        await s.browser.openExtensionPage(extensionPage, "popup.html");
        const stored = await extensionPage.evaluate(async () => {
          const api = globalThis.browser ?? globalThis.chrome;
          return JSON.stringify({
            local: await api.storage.local.get(null),
            session: api.storage.session === undefined ? "none" : await api.storage.session.get(null),
          });
        });
        // The popup asks a host for the status: its answer comes before the browser closes.
        await h.waitInPage(extensionPage, () => document.querySelector("#status .checking") === null, undefined, "the popup's status");
        await s.browser.close();
        s.browser = undefined;

        const leaks = [];
        const search = (where, data) => {
          for (const found of occurrences(data, pins)) leaks.push(`${where}: ${found}`);
        };
        for (const [where, data] of s.received) search(where, data);
        search("the extension's storage", Buffer.from(stored));
        const frames = filesUnder(s.frames);
        assert.ok(frames.some((file) => file.endsWith(".from-host") && fs.statSync(file).size > 0), "frames were recorded");
        for (const file of frames) search(`the frames ${path.basename(file)}`, fs.readFileSync(file));
        let scanned = 0;
        let bytes = 0;
        for (const file of profileFiles()) {
          const data = readIfStillThere(file);
          if (data === undefined) continue;
          scanned += 1;
          bytes += data.length;
          search(path.relative(s.scratch.dir, file), data);
        }
        assert.ok(scanned > 0, "the profile's files were read");
        t.diagnostic(`searched: ${s.received.length} page captures, ${frames.length} frame files, ` +
          `the extension's storage (${stored.length} bytes), ${scanned} profile files (${bytes} bytes)`);
        assert.deepEqual(leaks, [], `the PINs ${JSON.stringify(pins)} found`);
      }],
    ];

    for (const [name, fn] of flows) {
      test(name, { timeout: 120000 }, async (t) => {
        try {
          await fn(t);
        } catch (error) {
          const pages = s.browser === undefined ? [] : await s.browser.pages();
          await h.reportFailure({ label: `${kind}-secrecy`, name, scratch: s.scratch?.dir, pages, pinentry: s.pinentry });
          throw error;
        }
      });
    }
  });
}
