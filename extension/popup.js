/**
 * The toolbar popup: asks the background for the host's `status` (under the extension's
 * pseudo-origin, see bridge-core.js) and shows host, reader, card, certificates and PINs.
 */

import { EXTENSION_STATUS_PORT } from "./bridge-core.js";
import { localizePage } from "./i18n-dom.js";
import { statusView } from "./status-view.js";
import { ext } from "./webext.js";

/** @returns {Promise<import("./status-view.js").StatusAnswer>} */
function askStatus() {
  return new Promise((resolve) => {
    const port = ext.runtime.connect({ name: EXTENSION_STATUS_PORT });
    let answered = false;
    port.onMessage.addListener((answer) => {
      answered = true;
      resolve(answer);
    });
    port.onDisconnect.addListener(() => {
      if (!answered) resolve({ error: { code: "internal-error", message: "the background closed the connection" } });
    });
    port.postMessage({ command: "status" });
  });
}

/** @param {import("./status-view.js").Section[]} sections */
function render(sections) {
  const main = /** @type {HTMLElement} */ (document.getElementById("status"));
  main.replaceChildren();
  for (const section of sections) {
    const heading = document.createElement("h2");
    heading.textContent = section.title;
    const list = document.createElement("ul");
    for (const row of section.rows) {
      const item = document.createElement("li");
      item.className = row.level;
      const body = document.createElement("div");
      if (row.label !== undefined) {
        const label = document.createElement("span");
        label.className = "label";
        label.textContent = row.label;
        body.append(label);
      }
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = row.text;
      body.append(text);
      if (row.hint !== undefined) {
        const hint = document.createElement("span");
        hint.className = "hint";
        hint.textContent = row.hint;
        body.append(hint);
      }
      item.append(body);
      list.append(item);
    }
    main.append(heading, list);
  }
}

async function refresh() {
  const main = /** @type {HTMLElement} */ (document.getElementById("status"));
  const checking = document.createElement("p");
  checking.className = "checking";
  checking.textContent = ext.i18n.getMessage("popupChecking");
  main.replaceChildren(checking);
  const answer = await askStatus();
  // Dates follow the language of the texts (the browser's own locale when it is that language).
  const lang = ext.i18n.getMessage("langCode") === "en" ? "en" : "ja";
  const uiLanguage = ext.i18n.getUILanguage();
  const locale = uiLanguage.toLowerCase().startsWith(lang) ? uiLanguage : lang;
  render(statusView(answer, (key, substitutions) => ext.i18n.getMessage(key, substitutions), { lang, locale }));
}

localizePage(document);
document.getElementById("refresh")?.addEventListener("click", () => void refresh());
document.getElementById("options")?.addEventListener("click", () => void ext.runtime.openOptionsPage());
void refresh();
