/**
 * The extension's settings, kept in storage.local. One module so that the
 * background and the options page read them the same way.
 */

/**
 * @typedef {object} Settings
 * @property {boolean} allowHttpLoopback accept http://localhost, http://127.0.0.1 and
 *   http://[::1] pages (development only; the host must allow them too)
 * @property {string[]} portalPlatformOrigins the government portal origins where the user chose
 *   to present the browser as Windows (docs/mynaportal.md); none by default
 */

/** @type {Readonly<Settings>} */
export const DEFAULT_SETTINGS = Object.freeze({
  allowHttpLoopback: false,
  portalPlatformOrigins: /** @type {string[]} */ ([]),
});

/**
 * Reads settings from what storage.local returned, ignoring anything that is not of the
 * expected type (a corrupted store must never switch development mode on).
 * @param {unknown} stored
 * @returns {Settings}
 */
export function normalizeSettings(stored) {
  const record = /** @type {Record<string, unknown>} */ (
    stored !== null && typeof stored === "object" ? stored : {}
  );
  const platformOrigins = Array.isArray(record.portalPlatformOrigins) ? record.portalPlatformOrigins : [];
  return {
    allowHttpLoopback: record.allowHttpLoopback === true,
    portalPlatformOrigins: platformOrigins.filter((origin) => typeof origin === "string"),
  };
}
