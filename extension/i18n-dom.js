/**
 * Fills the extension's pages with texts from `_locales/`: every element with
 * `data-i18n="key"` gets that message as its text.
 */

import { ext } from "./webext.js";

/** @param {Document} doc */
export function localizePage(doc) {
  doc.documentElement.lang = ext.i18n.getMessage("langCode") || "ja";
  for (const element of doc.querySelectorAll("[data-i18n]")) {
    const key = element.getAttribute("data-i18n");
    if (key !== null) element.textContent = ext.i18n.getMessage(key);
  }
}
