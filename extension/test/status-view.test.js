import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { statusView } from "../status-view.js";
import { STATUS_REPLY } from "./support/fake-browser.js";
import { catalogs, translator } from "./support/locales.js";

const en = translator("en");
const ja = translator("ja");
const EN = { lang: "en", locale: "en-US" };
const JA = { lang: "ja", locale: "ja-JP" };

/**
 * @param {import("../status-view.js").Section[]} sections
 * @param {string} title
 */
const section = (sections, title) => sections.find((s) => s.title === title);

/** @param {(status: any) => void} change */
function statusWith(change) {
  const status = structuredClone(STATUS_REPLY);
  change(status);
  return status;
}

describe("popup view", () => {
  test("a healthy card: host version, reader, card, valid certificates, full PIN tries", () => {
    const sections = statusView({ hostVersion: "0.1.0", result: STATUS_REPLY }, en, EN);
    assert.deepEqual(section(sections, "jpki-bridge program")?.rows, [{ level: "ok", text: "Installed (version 0.1.0)" }]);
    assert.deepEqual(section(sections, "Card reader")?.rows, [{ level: "ok", text: "Virtual PCD 00 00" }]);
    assert.deepEqual(section(sections, "Card")?.rows, [{ level: "ok", text: "My Number Card (in Virtual PCD 00 00)" }]);
    const certificates = section(sections, "Certificates")?.rows ?? [];
    assert.equal(certificates[0].level, "ok");
    assert.match(certificates[0].text, /Valid \(expires November 21, 2030\)/);
    assert.deepEqual(certificates[1], { level: "ok", label: "Digital signature certificate", text: "Present" });
    const pins = section(sections, "PIN tries left")?.rows ?? [];
    assert.deepEqual(
      pins.map((r) => [r.level, r.text]),
      [
        ["ok", "3 tries left"],
        ["ok", "5 tries left"],
        ["ok", "3 tries left"],
      ],
    );
  });

  test("renewal-window warns to renew at the municipal office; expired is an error", () => {
    const renewal = statusView({ hostVersion: "0.1.0", result: statusWith((s) => (s.certificates.auth.validity = "renewal-window")) }, ja, JA);
    const row = section(renewal, "電子証明書")?.rows[0];
    assert.equal(row?.level, "warn");
    assert.match(row?.text ?? "", /2030年11月21日/);
    assert.match(row?.text ?? "", /市区町村の窓口で更新/);

    const expired = statusView({ hostVersion: "0.1.0", result: statusWith((s) => (s.certificates.auth.validity = "expired")) }, en, EN);
    const expiredRow = section(expired, "Certificates")?.rows[0];
    assert.equal(expiredRow?.level, "error");
    assert.match(expiredRow?.text ?? "", /Expired .*municipal office/);
  });

  test("a PIN with 0 tries left is locked, with the way to the municipal office; fewer tries warn", () => {
    const status = statusWith((s) => {
      s.pins.auth.triesLeft = 0;
      s.pins.sign.triesLeft = 2;
    });
    const pins = section(statusView({ hostVersion: "0.1.0", result: status }, ja, JA), "暗証番号の残り回数")?.rows ?? [];
    assert.equal(pins[0].level, "error");
    assert.equal(pins[0].text, catalogs.ja.pinLocked.message);
    assert.equal(pins[1].level, "warn");
    assert.match(pins[1].text, /残り 2 回（最大 5 回）/);
  });

  test("a card without a signing certificate shows none and no signing PIN", () => {
    const status = statusWith((s) => {
      s.certificates.sign.present = false;
      delete s.pins.sign;
    });
    const sections = statusView({ hostVersion: "0.1.0", result: status }, en, EN);
    assert.equal(section(sections, "Certificates")?.rows[1].level, "info");
    assert.equal(section(sections, "PIN tries left")?.rows.length, 2);
  });

  test("host not installed", () => {
    const sections = statusView({ error: { code: "host-missing", message: "", ja: "", en: "" } }, en, EN);
    assert.deepEqual(sections, [
      { title: "jpki-bridge program", rows: [{ level: "error", text: "Not found", hint: catalogs.en.hostMissingHint.message }] },
    ]);
  });

  test("host of another major version", () => {
    const sections = statusView({ hostVersion: "1.0.0", error: { code: "version-mismatch" } }, en, EN);
    assert.match(sections[0].rows[0].text, /Version 1\.0\.0 does not work with this extension \(0\.x needed\)/);
  });

  test("no card and no reader show the host's own text in the popup's language", () => {
    const noCard = statusView(
      { hostVersion: "0.1.0", error: { code: "no-card", message: "no card", ja: "カードを置いてください", en: "Place your card" } },
      ja,
      JA,
    );
    assert.deepEqual(section(noCard, "カード")?.rows, [{ level: "error", text: "カードを置いてください" }]);
    const noReader = statusView(
      { hostVersion: "0.1.0", error: { code: "no-reader", message: "no reader", ja: "リーダーなし", en: "Connect a reader" } },
      en,
      EN,
    );
    assert.deepEqual(section(noReader, "Card reader")?.rows, [{ level: "error", text: "Connect a reader" }]);
  });
});
