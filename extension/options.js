/**
 * The options page: the per-portal choice to present the browser as Windows
 * (docs/mynaportal.md) and the development switch (loopback http pages), kept in storage.local
 * where the background reads them.
 */

import { DEFAULT_TIMEOUTS, mapHostReply, runHostCommand } from "./bridge-core.js";
import { localizePage } from "./i18n-dom.js";
import { originPattern } from "./mynaportal.js";
import { DEFAULT_SETTINGS, normalizeSettings } from "./settings.js";
import { ext } from "./webext.js";

localizePage(document);

const checkbox = /** @type {HTMLInputElement} */ (document.getElementById("allowHttpLoopback"));
const saved = /** @type {HTMLElement} */ (document.getElementById("saved"));

const settings = normalizeSettings(await ext.storage.local.get({ ...DEFAULT_SETTINGS }));
checkbox.checked = settings.allowHttpLoopback;

const showSaved = () => {
  saved.hidden = false;
  setTimeout(() => {
    saved.hidden = true;
  }, 1500);
};

checkbox.addEventListener("change", async () => {
  await ext.storage.local.set({ allowHttpLoopback: checkbox.checked });
  showSaved();
});

/** The portal origins the native host serves; none when it cannot be asked. */
async function portalOrigins() {
  try {
    const env = {
      connectNative: (/** @type {string} */ name) =>
        /** @type {import("./bridge-core.js").PortLike} */ (/** @type {unknown} */ (ext.runtime.connectNative(name))),
      lastErrorMessage: () => ext.runtime.lastError?.message,
    };
    const outcome = await runHostCommand(
      /** @type {any} */ (env),
      DEFAULT_TIMEOUTS,
      { command: "portal-origins", arguments: {} },
    );
    const mapped = mapHostReply(outcome.reply);
    const origins = "result" in mapped ? /** @type {any} */ (mapped.result)?.origins : undefined;
    const list = Array.isArray(origins) ? origins.filter((origin) => typeof origin === "string") : [];
    // Fresh from the host: what the background uses for pages from now on (host.conf changed?).
    await ext.storage.session.set({ portalOrigins: list });
    return list;
  } catch {
    return [];
  }
}

/** One checkbox a portal origin: present the browser as Windows there. */
async function showPortalChoices() {
  const list = /** @type {HTMLElement} */ (document.getElementById("portalOrigins"));
  const origins = await portalOrigins();
  /** @type {HTMLElement} */ (document.getElementById("portalUnavailable")).hidden = origins.length > 0;
  for (const origin of origins) {
    const item = document.createElement("li");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.origin = origin;
    box.checked = settings.portalPlatformOrigins.includes(origin);
    box.addEventListener("change", async () => {
      // A script in the page's world needs the permission for that site: the shipped portals
      // have it from the manifest, one added in host.conf is asked for now (while the click
      // still counts as the user's).
      if (box.checked && !(await ext.permissions.request({ origins: [originPattern(origin)] }))) {
        box.checked = false;
        /** @type {HTMLElement} */ (document.getElementById("portalPermissionRefused")).hidden = false;
        return;
      }
      const current = normalizeSettings(await ext.storage.local.get({ ...DEFAULT_SETTINGS })).portalPlatformOrigins;
      const chosen = current.filter((o) => o !== origin);
      if (box.checked) chosen.push(origin);
      await ext.storage.local.set({ portalPlatformOrigins: chosen });
      showSaved();
    });
    const text = document.createElement("span");
    text.textContent = ext.i18n.getMessage("optionsPortalPlatformFor", [origin]);
    label.append(box, text);
    item.append(label);
    list.append(item);
  }
  document.body.dataset.portalsLoaded = "true";
}

await showPortalChoices();
