// Types of jpki-bridge.js, the page library of jpki-bridge (docs/protocol.md for the replies).

/**
 * Error codes a portal can act on (the host's are docs/wire-contract.json, generated from its C
 * tables; a test checks this list against it). Treat an unknown code as generic.
 */
export type JpkiBridgeErrorCode =
  // page library and extension
  | "extension-missing"
  | "host-missing"
  | "host-disconnected"
  | "version-mismatch"
  | "user-cancelled"
  | "extension-timeout"
  | "host-timeout"
  | "busy"
  | "insecure-origin"
  // anything but status without the person's click or key in the page just before
  | "user-action-required"
  // a frame inside the page, a background tab or a window without the focus
  | "not-active-tab"
  // the site asked again too soon after a cancel or a wrong PIN: see retryAfterSeconds
  | "retry-later"
  // native host
  | "invalid-request"
  | "unknown-command"
  | "request-too-large"
  | "origin-not-allowed"
  | "no-service"
  | "no-reader"
  | "no-card"
  | "card-removed"
  | "card-reset"
  | "unsupported-card"
  | "juki-card"
  | "smartphone-certificate"
  | "several-cards"
  | "pin-incorrect"
  | "pin-blocked"
  | "no-signing-certificate"
  | "no-auth-certificate"
  | "certificate-expired"
  | "certificate-not-yet-valid"
  | "certificate-mismatch"
  | "reply-too-large"
  // a portal-* command (the マイナポータルAP protocol) from a site not listed as a government
  // portal (the page library never sends those commands)
  | "not-a-portal-origin"
  | "pin-format"
  | "certificate-revoked"
  | "certificate-untrusted"
  | "certificate-wrong-usage"
  | "signature-invalid"
  | "signature-origin-mismatch"
  | "timeout"
  | "dialog-failed"
  | "invalid-input"
  | "io-error"
  | "card-error"
  | "pcsc-error"
  | "internal-error"
  | (string & {});

export interface JpkiBridgeErrorDetail {
  code: JpkiBridgeErrorCode;
  message?: string;
  ja?: string;
  en?: string;
  triesLeft?: number;
  retryAfterSeconds?: number;
}

export class JpkiBridgeError extends Error {
  constructor(detail: JpkiBridgeErrorDetail);
  readonly name: "JpkiBridgeError";
  /** Stable code to act on. */
  code: JpkiBridgeErrorCode;
  /** What happened and what to do, in Japanese, for the user. */
  ja: string;
  /** The same in English. */
  en: string;
  /** With `pin-incorrect`: tries left before the PIN locks. */
  triesLeft: number | undefined;
  /** With `retry-later`: seconds before the site may ask again. */
  retryAfterSeconds: number | undefined;
}

export type HashFunction = "SHA-256" | "SHA-384" | "SHA-512";
/**
 * What a page learns from `status`: the extension and its host are there and, only when called
 * from the person's click or key press, whether a card is in a reader. Readers, certificates and
 * tries left are shown to the person in the extension's popup, never to pages.
 */
export interface StatusResult {
  hostPresent: true;
  cardPresent?: boolean;
}

/** A Web eID authentication token (format web-eid:1.0). */
export interface AuthenticationToken {
  unverifiedCertificate: string;
  algorithm: "RS256";
  signature: string;
  format: "web-eid:1.0";
  appVersion: string;
}

export interface SignatureAlgorithm {
  cryptoAlgorithm: "RSA";
  hashFunction: HashFunction;
  paddingScheme: "PKCS1.5";
}

export interface SigningCertificateResult {
  certificate: string;
  supportedSignatureAlgorithms: SignatureAlgorithm[];
}

export interface SignResult {
  signature: string;
  signatureAlgorithm: SignatureAlgorithm;
}

export interface SignCmsResult {
  /** base64 DER ContentInfo: a detached CAdES-BES SignedData */
  cms: string;
  certificate: string;
}

export interface AttributesResult {
  name: string;
  address: string;
  /** YYYYMMDD */
  birthDate: string;
  /** as the card stores it (e.g. "1") */
  sex: string;
}

export interface BridgeOptions {
  window?: Window;
  /** How long to wait for the extension before `extension-missing` (default 1000 ms). */
  pingTimeoutMs?: number;
  statusTimeoutMs?: number;
  interactiveTimeoutMs?: number;
}

export interface JpkiBridge {
  isAvailable(): Promise<boolean>;
  status(): Promise<StatusResult>;
  authenticate(challengeNonce: string): Promise<AuthenticationToken>;
  getSigningCertificate(): Promise<SigningCertificateResult>;
  sign(hashBase64: string, hashFunction: HashFunction, certificateBase64: string): Promise<SignResult>;
  signCms(digestBase64: string, hashFunction: HashFunction): Promise<SignCmsResult>;
  readAttributes(): Promise<AttributesResult>;
}

export function createJpkiBridge(options?: BridgeOptions): JpkiBridge;

/** Whether the extension answers within a short time. Never rejects. */
export function isAvailable(): Promise<boolean>;
/** Readers, card, certificate validity and PIN tries left. No PIN, no dialog. */
export function status(): Promise<StatusResult>;
/** A login token over this page's origin and the server's nonce (the user types the PIN in the host's dialog). */
export function authenticate(challengeNonce: string): Promise<AuthenticationToken>;
/** The signing certificate (asks the signing password: the certificate holds personal data). */
export function getSigningCertificate(): Promise<SigningCertificateResult>;
/** An RSA PKCS#1 v1.5 signature over DigestInfo(hashFunction, hash) with the signing key. */
export function sign(hashBase64: string, hashFunction: HashFunction, certificateBase64: string): Promise<SignResult>;
/** A detached CAdES-BES signature over a digest, with the signing certificate. */
export function signCms(digestBase64: string, hashFunction: HashFunction): Promise<SignCmsResult>;
/** The basic 4 attributes, after the user's consent and the card input support PIN. */
export function readAttributes(): Promise<AttributesResult>;
