/**
 * The options page: the development switch (loopback http pages), kept in storage.local
 * where the background reads it for every request.
 */

import { localizePage } from "./i18n-dom.js";
import { DEFAULT_SETTINGS, normalizeSettings } from "./settings.js";
import { ext } from "./webext.js";

localizePage(document);

const checkbox = /** @type {HTMLInputElement} */ (document.getElementById("allowHttpLoopback"));
const saved = /** @type {HTMLElement} */ (document.getElementById("saved"));

const settings = normalizeSettings(await ext.storage.local.get({ ...DEFAULT_SETTINGS }));
checkbox.checked = settings.allowHttpLoopback;

checkbox.addEventListener("change", async () => {
  await ext.storage.local.set({ allowHttpLoopback: checkbox.checked });
  saved.hidden = false;
  setTimeout(() => {
    saved.hidden = true;
  }, 1500);
});
