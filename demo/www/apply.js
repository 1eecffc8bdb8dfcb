// The e-application page: the form becomes one canonical text, the portal gives its 照合コード
// (shown beside the text, to compare with the PIN dialog's), the page hashes the text, the card
// signs the hash (a CMS with jpki.signCms, or a raw signature with jpki.sign), and the portal
// verifies the signature over the text it receives, hashing it itself.
import { api, base64, loadBridge, ResultView, showChecks, showSession, t } from "/portal.js";

/** Must match PORTAL_FORM_ID in demo/application.h. */
const FORM_ID = "jpki-demo/change-of-address/1";
const FIELDS = ["name", "moveDate", "previousAddress", "newAddress", "householdHead"];

const form = /** @type {HTMLFormElement} */ (document.getElementById("apply-form"));
const buttons = ["sign-cms-button", "sign-raw-button"].map(
  (id) => /** @type {HTMLButtonElement} */ (document.getElementById(id)),
);
const result = new ResultView("apply");
const formTextView = document.getElementById("apply-form-text");
const codeView = document.getElementById("apply-verification-code");

/** The text that is signed: JSON with a fixed key order, no whitespace. */
function formText() {
  const data = new FormData(form);
  /** @type {Record<string, string>} */
  const application = { form: FORM_ID };
  for (const field of FIELDS) {
    application[field] = String(data.get(field) ?? "").trim();
  }
  return JSON.stringify(application);
}

/** SHA-256 of the text's UTF-8 bytes, in standard base64. @param {string} text */
async function sha256Base64(text) {
  return base64(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function showVerified(verified) {
  document.getElementById("signer-name").textContent = verified.signer.name ?? "";
  document.getElementById("signer-address").textContent = verified.signer.address ?? "";
  document.getElementById("signer-subject").textContent = verified.signer.subject;
  document.getElementById("apply-signing-time").textContent = verified.signingTime ?? "—";
  document.getElementById("apply-digest").textContent = verified.digest;
  showChecks(document.getElementById("apply-checks"), verified.checks);
}

async function signCms(jpki, text) {
  const { cms } = await jpki.signCms(await sha256Base64(text), "SHA-256");
  return api("/api/apply", { form: text, cms });
}

async function signRaw(jpki, text) {
  const { certificate } = await jpki.getSigningCertificate();
  const { signature } = await jpki.sign(await sha256Base64(text), "SHA-256", certificate);
  return api("/api/apply-raw", { form: text, signature, certificate });
}

/** @param {"cms" | "raw"} method */
async function submit(method) {
  if (!form.reportValidity()) {
    return;
  }
  const text = formText();
  for (const button of buttons) button.disabled = true;
  result.section.dataset.method = method;
  formTextView.textContent = text;
  codeView.textContent = "";
  result.pending(t("apply.pending"));
  try {
    // The server's 照合コード of this text, shown beside it while the PIN dialog shows its own.
    codeView.textContent = (await api("/api/verification-code", { form: text })).verificationCode;
    const jpki = await loadBridge();
    const verified = await (method === "cms" ? signCms(jpki, text) : signRaw(jpki, text));
    showVerified(verified);
    result.ok(t("apply.ok"));
  } catch (error) {
    result.failed(t("apply.failed"), error);
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const moveDate = /** @type {HTMLInputElement} */ (document.getElementById("field-move-date"));
if (moveDate.value === "") {
  moveDate.value = today();
}
form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit("cms");
});
document.getElementById("sign-raw-button").addEventListener("click", () => submit("raw"));
showSession();
