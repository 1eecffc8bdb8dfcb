/**
 * What the popup shows for the background's answer to its `status` call: a pure function
 * from the answer to sections of rows, so node can test it without a browser.
 */

import { EXPECTED_HOST_MAJOR } from "./bridge-core.js";

/**
 * @typedef {"ok" | "warn" | "error" | "info"} Level
 * @typedef {{level: Level, label?: string, text: string, hint?: string}} Row
 * @typedef {{title: string, rows: Row[]}} Section
 * @typedef {(key: string, substitutions?: string[]) => string} Translate i18n.getMessage
 */

/**
 * @typedef {object} StatusAnswer what the background answers the popup
 * @property {string} [hostVersion]
 * @property {any} [result] the host's status reply
 * @property {{code: string, message?: string, ja?: string, en?: string}} [error]
 */

const READER_ERRORS = new Set(["no-service", "no-reader", "pcsc-error"]);
const CARD_ERRORS = new Set(["no-card", "card-removed", "card-reset", "unsupported-card", "juki-card", "smartphone-certificate", "several-cards", "card-error"]);

/** The PINs in the order a resident knows them, with their label keys. */
const PINS = /** @type {const} */ ([
  ["auth", "pinAuth"],
  ["sign", "pinSign"],
  ["support", "pinSupport"],
]);

/**
 * A certificate's expiry as a date in Japan time: JPKI certificates end on a day counted in
 * Japan (the holder's birthday), whatever the computer's time zone.
 * @param {string} iso
 * @param {string} locale
 */
function formatDate(iso, locale) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "Asia/Tokyo" }).format(date);
}

/**
 * One certificate's row: the validity the host computed decides the level.
 * @param {string} labelKey
 * @param {any} certificate `{present, notAfter?, validity?}`
 * @param {Translate} t
 * @param {string} locale
 * @returns {Row}
 */
function certificateRow(labelKey, certificate, t, locale) {
  const label = t(labelKey);
  if (certificate === null || typeof certificate !== "object" || certificate.present !== true) {
    return { level: "info", label, text: t("certAbsent") };
  }
  const date = typeof certificate.notAfter === "string" ? formatDate(certificate.notAfter, locale) : undefined;
  switch (certificate.validity) {
    case "valid":
      return date === undefined ? { level: "ok", label, text: t("certPresent") } : { level: "ok", label, text: t("certValid", [date]) };
    case "renewal-window":
      return { level: "warn", label, text: t("certRenewal", [date ?? "?"]) };
    case "expired":
      return { level: "error", label, text: t("certExpired", [date ?? "?"]) };
    case "not-yet-valid":
      return { level: "warn", label, text: t("certNotYetValid") };
    default:
      // The signing certificate's expiry is readable only after its password: "present" is all.
      return { level: "ok", label, text: t("certPresent") };
  }
}

/**
 * @param {string} labelKey
 * @param {any} pin `{triesLeft, maxTries}`
 * @param {Translate} t
 * @returns {Row}
 */
function pinRow(labelKey, pin, t) {
  const label = t(labelKey);
  const left = Number(pin.triesLeft);
  const max = Number(pin.maxTries);
  if (left <= 0) return { level: "error", label, text: t("pinLocked") };
  if (left < max) return { level: "warn", label, text: t("pinTriesLow", [String(left), String(max)]) };
  return { level: "ok", label, text: t("pinTriesLeft", [String(left)]) };
}

/**
 * @param {{code: string, message?: string, ja?: string, en?: string}} error
 * @param {string} lang "ja" or "en"
 */
function errorText(error, lang) {
  const text = lang === "ja" ? error.ja : error.en;
  return text ?? error.message ?? error.code;
}

/**
 * @param {StatusAnswer} answer
 * @param {Translate} t
 * @param {{lang: string, locale: string}} language `lang` picks the host's text (ja/en);
 *   `locale` formats dates
 * @returns {Section[]}
 */
export function statusView(answer, t, language) {
  const { lang, locale } = language;
  const error = answer.error;

  /** @type {Row} */
  let hostRow;
  if (error?.code === "host-missing") {
    return [{ title: t("sectionHost"), rows: [{ level: "error", text: t("hostMissing"), hint: t("hostMissingHint") }] }];
  }
  if (error?.code === "version-mismatch") {
    const text =
      answer.hostVersion === undefined
        ? errorText(error, lang)
        : t("hostVersionMismatch", [answer.hostVersion, `${EXPECTED_HOST_MAJOR}.x`]);
    return [{ title: t("sectionHost"), rows: [{ level: "error", text }] }];
  }
  if (answer.hostVersion !== undefined) {
    hostRow = { level: "ok", text: t("hostInstalled", [answer.hostVersion]) };
  } else {
    hostRow = { level: "warn", text: t("popupError") };
  }
  /** @type {Section[]} */
  const sections = [{ title: t("sectionHost"), rows: [hostRow] }];

  if (error !== undefined) {
    if (READER_ERRORS.has(error.code)) {
      sections.push({ title: t("sectionReader"), rows: [{ level: "error", text: errorText(error, lang) }] });
    } else if (CARD_ERRORS.has(error.code)) {
      sections.push({ title: t("sectionCard"), rows: [{ level: "error", text: errorText(error, lang) }] });
    } else {
      sections.push({ title: t("popupError"), rows: [{ level: "error", text: errorText(error, lang) }] });
    }
    return sections;
  }

  const status = answer.result ?? {};
  /** @type {string[]} */
  const readers = Array.isArray(status.readers)
    ? status.readers.filter((/** @type {unknown} */ r) => typeof r === "string")
    : [];
  if (readers.length > 0) {
    sections.push({ title: t("sectionReader"), rows: readers.map((name) => ({ level: /** @type {Level} */ ("ok"), text: name })) });
  }
  const cardReader = typeof status.card?.reader === "string" ? status.card.reader : "";
  sections.push({ title: t("sectionCard"), rows: [{ level: "ok", text: t("cardPresent", [cardReader]) }] });

  const certificates = status.certificates ?? {};
  sections.push({
    title: t("sectionCertificates"),
    rows: [
      certificateRow("certAuth", certificates.auth, t, locale),
      certificateRow("certSign", certificates.sign, t, locale),
    ],
  });

  const pins = status.pins ?? {};
  const pinRows = PINS.filter(([name]) => pins[name] !== null && typeof pins[name] === "object").map(([name, key]) =>
    pinRow(key, pins[name], t),
  );
  if (pinRows.length > 0) sections.push({ title: t("sectionPins"), rows: pinRows });
  return sections;
}
