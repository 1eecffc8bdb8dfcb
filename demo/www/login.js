// The login page: a nonce from the portal, the card's Web eID token for it through the page
// library, and the portal's verification of that token.
import { api, loadBridge, ResultView, showChecks, showSession, t } from "/portal.js";

const button = /** @type {HTMLButtonElement} */ (document.getElementById("login-button"));
const result = new ResultView("login");

function showVerified(verified) {
  document.getElementById("login-subject").textContent = verified.subject;
  document.getElementById("login-serial").textContent = verified.serial;
  document.getElementById("login-not-after").textContent = verified.notAfter;
  showChecks(document.getElementById("login-checks"), verified.checks);
}

async function logIn() {
  button.disabled = true;
  result.pending(t("login.pending"));
  try {
    const jpki = await loadBridge();
    const { nonce } = await api("/api/nonce", {});
    const token = await jpki.authenticate(nonce);
    const verified = await api("/api/login", token);
    showVerified(verified);
    result.ok(t("login.ok"));
    await showSession();
  } catch (error) {
    result.failed(t("login.failed"), error);
  } finally {
    button.disabled = false;
  }
}

button.addEventListener("click", logIn);
showSession();
