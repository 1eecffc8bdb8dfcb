/**
 * The per-origin back-off of page requests that may open a dialog: after the resident cancels a
 * dialog or types a wrong PIN, a site must wait before it may open another one, longer each time
 * (2 s, 4 s, 8 s ... up to 2 minutes), until one of its requests succeeds. A page cannot
 * then flood the resident with dialogs or coach them through PIN tries one after another.
 *
 * The state lives in the background's memory: a restarted background starts afresh, which a
 * page cannot cause (the background runs as long as ports or events keep it awake).
 */

export const BACKOFF_FIRST_MS = 2_000;
export const BACKOFF_MAX_MS = 120_000;

/** The page codes after which a site waits: the resident said no, or the PIN was wrong. */
const SETBACKS = new Set(["user-cancelled", "pin-incorrect", "pin-blocked"]);

/**
 * @param {() => number} now milliseconds, as Date.now
 */
export function createBackOff(now) {
  /** @type {Map<string, {setbacks: number, until: number}>} */
  const byOrigin = new Map();

  return {
    /**
     * Milliseconds this origin must still wait before a dialog, 0 when it may go ahead.
     * @param {string} origin
     */
    remainingMs(origin) {
      const entry = byOrigin.get(origin);
      return entry === undefined ? 0 : Math.max(0, entry.until - now());
    },
    /**
     * Records how a request of this origin ended: a setback starts a longer wait, a success
     * forgets the past ones, anything else changes nothing.
     * @param {string} origin
     * @param {string | null} errorCode null on success
     */
    record(origin, errorCode) {
      if (errorCode === null) {
        byOrigin.delete(origin);
        return;
      }
      if (!SETBACKS.has(errorCode)) return;
      const setbacks = (byOrigin.get(origin)?.setbacks ?? 0) + 1;
      const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (setbacks - 1));
      byOrigin.set(origin, { setbacks, until: now() + wait });
    },
  };
}
