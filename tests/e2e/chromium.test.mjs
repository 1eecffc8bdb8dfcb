// Chromium end to end: the demo portal's pages (HTTPS, loopback) → the page library → the
// extension → the native host (this build's, through the build tree's host manifest in the
// throw-away profile's NativeMessagingHosts/) → pcscd → the simulated card, with the scripted
// pinentry answering the dialogs; once in Japanese and once in English (scenarios.mjs).
// Run inside tests/with-virtual-card (tests/e2e/run.sh chromium.test.mjs).
import { installed } from "./harness.mjs";
import { portalProtocolSuite } from "./mynaportal-scenarios.mjs";
import { pinSecrecySuite } from "./pin-secrecy-scenarios.mjs";
import { browserSuite } from "./scenarios.mjs";

browserSuite("chromium");
// The government portals' own protocol on a mock portal (docs/mynaportal.md). Not against an
// installed package: the mock portal's loopback site needs a host permission that only the
// test's own copy of the extension can be given.
if (!installed) portalProtocolSuite("chromium");
// A PIN typed in the dialog reaches neither the page, the extension nor the profile. Not against
// an installed package: the recording stand-in for the host goes in the test's own manifest.
if (!installed) pinSecrecySuite("chromium");
