// The wire contract written once: the error codes and limits the C tables generate
// (docs/wire-contract.json, checked against the C build by ctest contract.wire) are the codes
// the extension passes on, the ones the page library's types declare, and the limits the
// extension applies.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { EXTENSION_ERROR_CODES, isOriginAllowed, mapHostReply } from "../bridge-core.js";

const here = new URL(".", import.meta.url);
/** @type {{errors: {code: string, from: string}[], limits: Record<string, number>}} */
const contract = JSON.parse(readFileSync(new URL("../../docs/wire-contract.json", here), "utf8"));
const hostCodes = contract.errors;
const declarations = readFileSync(new URL("../page/jpki-bridge.d.ts", here), "utf8");

/** The string literals of the JpkiBridgeErrorCode union in jpki-bridge.d.ts. */
function declaredCodes() {
  const union = declarations.match(/export type JpkiBridgeErrorCode =([^;]*);/);
  assert.ok(union, "jpki-bridge.d.ts has no JpkiBridgeErrorCode");
  return [...union[1].matchAll(/\|\s*"([a-z-]+)"/g)].map((match) => match[1]);
}

/** The code a page sees for a host's error code. */
function pageCode(/** @type {string} */ code) {
  const mapped = mapHostReply({ error: { code, message: "x" } });
  assert.ok("error" in mapped);
  return mapped.error.code;
}

describe("the error codes of the wire contract", () => {
  test("the generated list has the host's codes, each once", () => {
    const names = hostCodes.map((entry) => entry.code);
    assert.ok(names.includes("pin-blocked") && names.includes("dialog-failed"));
    assert.ok(names.includes("invalid-request") && names.includes("io-error"));
    assert.equal(new Set(names).size, names.length);
  });

  test("the extension passes every host code on, cancelled as user-cancelled", () => {
    for (const { code } of hostCodes) {
      assert.equal(pageCode(code), code === "cancelled" ? "user-cancelled" : code, code);
    }
  });

  test("jpki-bridge.d.ts declares every code a page can see, and no other", () => {
    const declared = declaredCodes();
    const pageSees = new Set([
      ...hostCodes.map(({ code }) => pageCode(code)),
      ...EXTENSION_ERROR_CODES,
      "extension-missing",
      "extension-timeout",
    ]);
    assert.deepEqual([...declared].sort(), [...pageSees].sort());
    assert.equal(new Set(declared).size, declared.length, "a code declared twice");
  });

  test("the extension's own codes never reuse a host code for something else", () => {
    const host = new Set(hostCodes.map(({ code }) => code));
    // These are the host's codes the background also gives, for the same failure, before the
    // host runs (a request it refuses) or when the host's answer is broken.
    const shared = new Set(["invalid-request", "unknown-command", "internal-error"]);
    for (const code of EXTENSION_ERROR_CODES) {
      assert.ok(!host.has(code) || shared.has(code), `${code} means two things`);
    }
  });

  test("the extension refuses an origin past the host's length limit, and takes one at it", () => {
    const max = contract.limits.originMaxLength;
    // Labels of at most 51 letters, so only the length can make an origin wrong.
    const origin = (/** @type {number} */ length) => {
      const chars = Array.from({ length: length - "https://".length }, (_, i) => (i % 51 === 50 ? "." : "a"));
      chars[chars.length - 1] = "a";
      return `https://${chars.join("")}`;
    };
    const settings = { allowHttpLoopback: false };
    assert.equal(origin(max).length, max);
    assert.equal(isOriginAllowed(origin(max), settings), true);
    assert.equal(isOriginAllowed(origin(max + 1), settings), false);
  });
});
