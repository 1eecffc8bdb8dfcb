/**
 * The background (a service worker in the Chromium family, an event page in Firefox): wires
 * bridge-core.js to the browser. Listeners are registered at the top level, as a service
 * worker that was stopped must find them when an event wakes it.
 */

import { createBridge } from "./bridge-core.js";
import { DEFAULT_SETTINGS } from "./settings.js";
import { ext } from "./webext.js";

/** @param {string} locale */
async function loadCatalog(locale) {
  const response = await fetch(ext.runtime.getURL(`_locales/${locale}/messages.json`));
  if (!response.ok) throw new Error(`_locales/${locale}/messages.json: HTTP ${response.status}`);
  return /** @type {Record<string, {message: string}>} */ (await response.json());
}

const bridge = createBridge({
  connectNative: (name) => /** @type {import("./bridge-core.js").PortLike} */ (ext.runtime.connectNative(name)),
  lastErrorMessage: () => ext.runtime.lastError?.message,
  loadSettings: () => ext.storage.local.get({ ...DEFAULT_SETTINGS }),
  loadTexts: async () => {
    const [ja, en] = await Promise.all([loadCatalog("ja"), loadCatalog("en")]);
    return { ja, en };
  },
  extensionId: ext.runtime.id,
  extensionBaseUrl: ext.runtime.getURL(""),
});

ext.runtime.onConnect.addListener((port) => {
  bridge.acceptPort(/** @type {import("./bridge-core.js").PortLike} */ (/** @type {unknown} */ (port)));
});
