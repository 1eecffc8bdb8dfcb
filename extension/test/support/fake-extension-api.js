// A fake of the extension API object (`chrome` or `browser`) that background.js wires itself
// to: runtime (id, getURL, connectNative, onConnect, lastError), storage.local and onChanged,
// scripting's registered content scripts, tabs and windows (every tab is the selected one of
// window 1 unless listed in `backgroundTabs`; window 1 has the focus unless `unfocused`), and
// fetch of the extension's own _locales files.

import { readFile } from "node:fs/promises";

import { FakeEvent, fakeNativeHost } from "./fake-browser.js";

/**
 * @param {{baseUrl: string, id: string, host: import("./fake-browser.js").HostScript, stored?: Record<string, unknown>}} options
 */
export function fakeExtensionApi(options) {
  const host = fakeNativeHost(options.host);
  const stored = { ...options.stored };
  const api = {
    runtime: {
      id: options.id,
      /** @param {string} path */
      getURL: (path) => `${options.baseUrl}${path}`,
      connectNative: host.connectNative,
      lastError: undefined,
      onConnect: new FakeEvent(),
    },
    storage: {
      local: {
        /** @param {Record<string, unknown>} defaults */
        get: async (defaults) => ({ ...defaults, ...stored }),
      },
      session: {
        /** @type {Record<string, unknown>} */
        values: {},
        /** @param {string} key */
        get: async (key) => (key in api.storage.session.values ? { [key]: api.storage.session.values[key] } : {}),
        /** @param {Record<string, unknown>} items */
        set: async (items) => {
          Object.assign(api.storage.session.values, items);
        },
      },
      onChanged: new FakeEvent(),
    },
    tabs: {
      /** @type {Set<number>} */
      backgroundTabs: new Set(),
      /** @param {number} tabId */
      get: async (tabId) => ({ id: tabId, windowId: 1, active: !api.tabs.backgroundTabs.has(tabId) }),
    },
    windows: {
      unfocused: false,
      /** @param {number} windowId */
      get: async (windowId) => ({ id: windowId, focused: !api.windows.unfocused }),
    },
    scripting: {
      /** @type {{id: string}[]} */
      registered: [],
      /** @param {{ids: string[]}} filter */
      getRegisteredContentScripts: async (filter) => api.scripting.registered.filter((s) => filter.ids.includes(s.id)),
      /** @param {{id: string}[]} scripts */
      registerContentScripts: async (scripts) => {
        api.scripting.registered.push(...scripts);
      },
      /** @param {{ids: string[]}} filter */
      unregisterContentScripts: async (filter) => {
        api.scripting.registered = api.scripting.registered.filter((s) => !filter.ids.includes(s.id));
      },
    },
  };
  const extensionRoot = new URL("../../", import.meta.url);
  /** @param {string | URL | Request} url */
  const fetchOwnFile = async (url) => {
    const text = String(url);
    if (!text.startsWith(options.baseUrl)) throw new Error(`unexpected fetch ${text}`);
    const body = await readFile(new URL(text.slice(options.baseUrl.length), extensionRoot));
    return new Response(body, { status: 200 });
  };
  return { api, host, fetchOwnFile };
}
