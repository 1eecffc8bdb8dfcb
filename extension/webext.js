/**
 * The WebExtension API object: `browser` in Firefox (promise-based), `chrome` in the
 * Chromium family (promise-based in Manifest V3). Only APIs that behave the same in both
 * are used through it.
 */

/** @type {typeof chrome} */
export const ext = /** @type {any} */ (globalThis).browser ?? globalThis.chrome;
