/**
 * The background (a service worker in the Chromium family, an event page in Firefox): wires
 * bridge-core.js to the browser. Listeners are registered at the top level, as a service
 * worker that was stopped must find them when an event wakes it.
 */

import { createBridge } from "./bridge-core.js";
import { PLATFORM_SCRIPT_ID, platformScriptFor } from "./mynaportal.js";
import { DEFAULT_SETTINGS, normalizeSettings } from "./settings.js";
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
  tabState: async (tabId) => {
    const tab = await ext.tabs.get(tabId);
    const window = await ext.windows.get(tab.windowId);
    return { active: tab.active, focused: window.focused };
  },
  portalOriginsCache: {
    load: async () => (await ext.storage.session.get("portalOrigins")).portalOrigins,
    save: (origins) => ext.storage.session.set({ portalOrigins: origins }),
  },
});

ext.runtime.onConnect.addListener((port) => {
  bridge.acceptPort(/** @type {import("./bridge-core.js").PortLike} */ (/** @type {unknown} */ (port)));
});

/**
 * Registers the MAIN-world script that presents the browser as Windows on the portal origins
 * the user opted in to (and that the host still serves), or removes it: run at every start and
 * whenever the settings change, so the registration always follows the options.
 */
async function syncPlatformScript() {
  const { portalPlatformOrigins } = normalizeSettings(await ext.storage.local.get({ ...DEFAULT_SETTINGS }));
  const script =
    portalPlatformOrigins.length === 0 ? null : platformScriptFor(portalPlatformOrigins, await bridge.portal.portalOrigins());
  const registered = await ext.scripting.getRegisteredContentScripts({ ids: [PLATFORM_SCRIPT_ID] });
  if (registered.length > 0) await ext.scripting.unregisterContentScripts({ ids: [PLATFORM_SCRIPT_ID] });
  if (script !== null) await ext.scripting.registerContentScripts([script]);
}

/** Settings changes come one after another; each sync waits for the one before. */
let platformSync = Promise.resolve();
const resyncPlatformScript = () => {
  platformSync = platformSync.then(syncPlatformScript).catch((e) => console.error("jpki-bridge: platform script:", e));
};
ext.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "portalPlatformOrigins" in changes) resyncPlatformScript();
});
resyncPlatformScript();
