// The extension's _locales catalogues, and i18n.getMessage's substitution rules for tests.

import { readFileSync } from "node:fs";

/** @param {"ja" | "en"} locale */
export function loadCatalog(locale) {
  const file = new URL(`../../_locales/${locale}/messages.json`, import.meta.url);
  return /** @type {Record<string, {message: string, placeholders?: Record<string, {content: string}>}>} */ (
    JSON.parse(readFileSync(file, "utf8"))
  );
}

export const catalogs = { ja: loadCatalog("ja"), en: loadCatalog("en") };

/**
 * i18n.getMessage for one locale; throws on an unknown key, so tests catch a missing text.
 * @param {"ja" | "en"} locale
 * @returns {(key: string, substitutions?: string[]) => string}
 */
export function translator(locale) {
  const catalog = catalogs[locale];
  return (key, substitutions = []) => {
    const entry = catalog[key];
    if (entry === undefined) throw new Error(`no message "${key}" in ${locale}`);
    const placeholders = Object.fromEntries(
      Object.entries(entry.placeholders ?? {}).map(([name, value]) => [name.toLowerCase(), value.content]),
    );
    return entry.message
      .replace(/\$([A-Za-z0-9_@]+)\$/g, (_, name) => placeholders[name.toLowerCase()] ?? "")
      .replace(/\$(\d)/g, (_, n) => substitutions[Number(n) - 1] ?? "");
  };
}
