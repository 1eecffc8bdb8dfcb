/**
 * Runs in the page's own world at document_start, only on the portal origins the user opted in
 * to in the options (docs/mynaportal.md): the portals refuse browsers that do not say Windows or
 * macOS, so this presents the browser's platform as Windows 10 (64-bit) to the page's scripts.
 * The browser, its version and the HTTP headers stay as they are. Registered and removed by the
 * background (scripting.registerContentScripts, world MAIN).
 */
(() => {
  const WINDOWS = "Windows NT 10.0; Win64; x64";
  /** The platform part of a Linux user agent: "X11; Linux x86_64", "X11; Ubuntu; Linux x86_64". */
  const LINUX_PLATFORM = /X11;(?: [^;)]*;)* Linux [^;)]*/;

  const navigatorProto = Object.getPrototypeOf(navigator);
  /** @param {object} proto @param {string} name @param {unknown} value */
  const presentAs = (proto, name, value) => Object.defineProperty(proto, name, { get: () => value, configurable: true });

  presentAs(navigatorProto, "userAgent", navigator.userAgent.replace(LINUX_PLATFORM, WINDOWS));
  presentAs(navigatorProto, "appVersion", navigator.appVersion.replace(LINUX_PLATFORM, WINDOWS));
  presentAs(navigatorProto, "platform", "Win32");
  if ("oscpu" in navigator) presentAs(navigatorProto, "oscpu", "Windows NT 10.0; Win64; x64");

  // Chromium's client hints: the platform, and the high-entropy values a page can ask for.
  const uaData = /** @type {any} */ (navigator).userAgentData;
  if (uaData !== undefined) {
    const uaDataProto = Object.getPrototypeOf(uaData);
    presentAs(uaDataProto, "platform", "Windows");
    const highEntropy = uaDataProto.getHighEntropyValues;
    Object.defineProperty(uaDataProto, "getHighEntropyValues", {
      configurable: true,
      writable: true,
      /** @param {string[]} hints */
      value: async function (hints) {
        const values = await highEntropy.call(this, hints);
        return { ...values, platform: "Windows", platformVersion: "10.0.0" };
      },
    });
  }
})();
