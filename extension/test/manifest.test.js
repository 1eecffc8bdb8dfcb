// The manifest, its fixed key and the IDs, the _locales catalogues and the icons.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { describe, test } from "node:test";

import { EXTENSION_ERROR_CODES, HOST_NAME, errorMessageKey } from "../bridge-core.js";
import { catalogs } from "./support/locales.js";

const root = new URL("../", import.meta.url);
/** @param {string} path */
const read = (path) => readFileSync(new URL(path, root), "utf8");
const manifest = JSON.parse(read("manifest.json"));

/**
 * The Chromium extension ID of a manifest key: SHA-256 of the DER public key, first 32 hex
 * digits written with a–p for 0–f.
 * @param {string} keyBase64
 */
function extensionIdOf(keyBase64) {
  const hex = createHash("sha256").update(Buffer.from(keyBase64, "base64")).digest("hex").slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join("");
}

describe("manifest", () => {
  test("is Manifest V3 with a module background for both browser families", () => {
    assert.equal(manifest.manifest_version, 3);
    assert.equal(manifest.background.service_worker, "background.js");
    assert.deepEqual(manifest.background.scripts, ["background.js"]);
    assert.equal(manifest.background.type, "module");
    assert.equal(manifest.browser_specific_settings.gecko.id, "jpki-bridge@jpki-bridge.org");
    assert.equal(manifest.default_locale, "ja");
  });

  test("asks only for native messaging, storage and scripting (the portals' opt-in)", () => {
    assert.deepEqual([...manifest.permissions].sort(), ["nativeMessaging", "scripting", "storage"]);
    // Exactly the shipped government portals, where the opt-in registers a script; any other
    // site only when the user opts in for one added in host.conf (docs/mynaportal.md).
    assert.deepEqual(manifest.host_permissions, [
      "https://myna.go.jp/*",
      "https://img.myna.go.jp/*",
      "https://clientweb.e-tax.nta.go.jp/*",
      "https://www.keisan.nta.go.jp/*",
    ]);
    assert.deepEqual(manifest.optional_host_permissions, ["https://*/*", "http://localhost/*", "http://127.0.0.1/*"]);
    // The same portals as the host ships (host/bridge/config.c).
    const config = readFileSync(new URL("../../host/bridge/config.c", import.meta.url), "utf8");
    const shipped = /bridge_default_portal_origins\[\] = \{([^}]*)\}/.exec(config)?.[1] ?? "";
    const hostOrigins = [...shipped.matchAll(/"([^"]+)"/g)].map((m) => `${m[1]}/*`);
    assert.deepEqual(manifest.host_permissions, hostOrigins);
    assert.equal(HOST_NAME, "jp.jpki_bridge");
  });

  test("runs the content scripts on https pages and loopback http only", () => {
    assert.equal(manifest.content_scripts.length, 2);
    for (const script of manifest.content_scripts) {
      assert.deepEqual(script.matches, ["https://*/*", "http://localhost/*", "http://127.0.0.1/*"]);
      assert.equal(script.all_frames, false);
    }
    assert.deepEqual(manifest.content_scripts[0].js, ["content.js"]);
    // The portals' protocol: it asks the background before it adds anything to a page.
    assert.deepEqual(manifest.content_scripts[1].js, ["mynaportal-content.js"]);
  });

  test("needs Firefox 128, the first to run a registered script in the page's world (and past 126, the first to give sender.origin)", () => {
    assert.equal(manifest.browser_specific_settings.gecko.strict_min_version, "128.0");
  });

  test("its key is an RSA-2048 public key whose ID is the one in README.md", () => {
    const der = Buffer.from(manifest.key, "base64");
    assert.equal(der.length, 294, "SubjectPublicKeyInfo of RSA-2048");
    const id = extensionIdOf(manifest.key);
    assert.match(id, /^[a-p]{32}$/);
    assert.match(read("README.md"), new RegExp(`\\b${id}\\b`));
    assert.match(read("README.md"), /jpki-bridge@jpki-bridge\.org/);
  });

  test("no private key is in the extension's files", () => {
    /** @param {URL} dir @returns {string[]} */
    const walk = (dir) =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) return [];
        const url = new URL(entry.name + (entry.isDirectory() ? "/" : ""), dir);
        return entry.isDirectory() ? walk(url) : [url.pathname];
      });
    for (const file of walk(root)) {
      if (/\.(png)$/.test(file)) continue;
      assert.doesNotMatch(readFileSync(file, "utf8"), /-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/, file);
    }
  });

  test("every file it names exists, and the icons are PNGs of their sizes", () => {
    const files = [
      manifest.background.service_worker,
      ...manifest.content_scripts.flatMap((/** @type {{js: string[]}} */ script) => script.js),
      "mynaportal-platform.js",
      manifest.action.default_popup,
      manifest.options_ui.page,
    ];
    for (const file of files) assert.ok(existsSync(new URL(file, root)), file);
    for (const [size, path] of Object.entries({ ...manifest.icons, ...manifest.action.default_icon })) {
      const png = readFileSync(new URL(path, root));
      assert.equal(png.subarray(1, 4).toString("ascii"), "PNG", path);
      assert.equal(png.readUInt32BE(16), Number(size), path);
      assert.equal(png.readUInt32BE(20), Number(size), path);
    }
  });
});

describe("_locales", () => {
  test("Japanese and English have the same keys and no empty message", () => {
    assert.deepEqual(Object.keys(catalogs.ja).sort(), Object.keys(catalogs.en).sort());
    for (const locale of /** @type {const} */ (["ja", "en"])) {
      for (const [key, entry] of Object.entries(catalogs[locale])) assert.ok(entry.message.length > 0, `${locale} ${key}`);
    }
  });

  test("every key the manifest, pages and scripts use exists", () => {
    const used = new Set();
    for (const match of read("manifest.json").matchAll(/__MSG_(\w+)__/g)) used.add(match[1]);
    for (const page of ["popup.html", "options.html"]) {
      for (const match of read(page).matchAll(/data-i18n="(\w+)"/g)) used.add(match[1]);
    }
    for (const script of ["popup.js", "options.js", "i18n-dom.js", "status-view.js"]) {
      for (const match of read(script).matchAll(/(?:getMessage|\bt)\("(\w+)"/g)) used.add(match[1]);
      for (const match of read(script).matchAll(/"(pin\w+|cert\w+)"/g)) used.add(match[1]);
    }
    for (const code of EXTENSION_ERROR_CODES) used.add(errorMessageKey(code));
    used.add("error_unknown");
    assert.ok(used.size > 30, `found ${used.size} keys`);
    for (const key of used) assert.ok(key in catalogs.ja && key in catalogs.en, key);
  });

  test("the extension's name and description are short enough for the stores", () => {
    for (const locale of /** @type {const} */ (["ja", "en"])) {
      assert.ok(catalogs[locale].extName.message.length <= 75);
      assert.ok(catalogs[locale].extDescription.message.length <= 132);
    }
  });
});
