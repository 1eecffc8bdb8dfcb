// A mock government portal that speaks the マイナポータルAP page protocol as
// ../../docs/mynaportal.md and the shared reference describe it (not the live site): a page that
// looks for the extension's hidden inputs, refuses browsers that do not claim Windows or macOS,
// sends launchApp (login 01, attributes 04, signing 02, close 05) from its buttons' click
// handlers, as the real portal does, and reads recvMsg; and a server
// that checks what the page got as a portal's server would: the signature with the certificate
// it received, the certificate's chain to the test CA, and combination_code recomputed from the
// simulated card's common AP record.
import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";

/** The protocol's salt (shared reference, mynaportal-ap.md). */
const SALT = Buffer.from("2e71f6620bc654ced494e5ec34fe03c8", "hex");

/**
 * The manufacture number of the card in the virtual reader, read as the portals' app reads it:
 * SELECT the common AP, READ RECORD 1 (`01 1C` + 28 digits), characters 2..14 of the value.
 * Through OpenSC's opensc-tool, not our code.
 */
export function readManufactureNumber(reader) {
  const output = execFileSync(
    "opensc-tool",
    ["-r", reader, "-s", "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00", "-s", "00 B2 01 0C 00"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  const answer = output.split("Sending: 00 B2 01 0C 00")[1] ?? "";
  const bytes = [...answer.matchAll(/^((?:[0-9A-F]{2} )+)/gm)].flatMap((m) => m[1].trim().split(" "));
  const record = Buffer.from(bytes.join(""), "hex");
  if (record[0] !== 0x01 || record[1] !== 0x1c) throw new Error(`common AP record 1 is not 01 1C ...: ${output}`);
  const value = record.subarray(2, 2 + 28).toString("ascii");
  return value.slice(2, 15);
}

/** combination_code as the portal's server recomputes it. */
export function combinationCode(manufactureNumber, uuid) {
  return crypto
    .createHash("sha256")
    .update(Buffer.concat([SALT, Buffer.from(manufactureNumber, "ascii"), Buffer.from(uuid, "hex")]))
    .digest("hex");
}

const PAGE = `<!doctype html>
<html lang="ja">
<head><meta charset="utf-8"><title>模擬マイナポータル（試験用）</title></head>
<body>
<h1>模擬マイナポータル（試験用）</h1>
<p id="environment"></p>
<button id="login" type="button">ログイン</button>
<button id="apply" type="button">申請</button>
<button id="close" type="button">終了</button>
<script>
  // The page's side of the protocol, as the reference describes it.
  const mock = {
    supported: () => /Windows|Macintosh/.test(navigator.userAgent),
    detected: () => ({
      extension: document.getElementById("extension-is-installed")?.value ?? null,
      app: document.getElementById("app-is-installed")?.value ?? null,
    }),
    // One launchApp and the recvMsg that answers it (null: none within ms).
    launch: (request, ms) =>
      new Promise((resolve) => {
        const on = (event) => {
          clearTimeout(timer);
          document.removeEventListener("recvMsg", on);
          resolve({ bubbles: event.bubbles, type: typeof event.detail, reply: JSON.parse(event.detail) });
        };
        const timer = setTimeout(() => {
          document.removeEventListener("recvMsg", on);
          resolve(null);
        }, ms);
        document.addEventListener("recvMsg", on);
        document.dispatchEvent(new CustomEvent("launchApp", { detail: JSON.stringify(request) }));
      }),
    post: async (path, body) => (await fetch(path, { method: "POST", body: JSON.stringify(body ?? {}) })).json(),
    // Login: the server's challenge signed with the authentication key (mode 01).
    login: async (ms = 90000) => {
      if (!mock.supported()) return { refused: true };
      const { challenge } = await mock.post("/api/challenge");
      const answer = await mock.launch({ mode: "01", service_id: "01", digest: challenge }, ms);
      if (answer === null) return { answer };
      if (answer.reply.result !== "0") return { answer };
      return { answer, verdict: await mock.post("/api/login", answer.reply) };
    },
    // An e-application: the basic 4 attributes (04), then the documents signed (02).
    apply: async (ms = 90000) => {
      if (!mock.supported()) return { refused: true };
      const attributes = await mock.launch({ mode: "04", service_id: "01" }, ms);
      if (attributes === null || attributes.reply.result !== "0") return { attributes };
      const { digests } = await mock.post("/api/documents");
      const signed = await mock.launch({ mode: "02", service_id: "01", digest: digests }, ms);
      if (signed === null || signed.reply.result !== "0") return { attributes, signed };
      return { attributes, signed, verdict: await mock.post("/api/apply", { attributes: attributes.reply, signed: signed.reply }) };
    },
    close: (ms = 20000) => mock.launch({ mode: "05", service_id: "01" }, ms),
  };
  window.mock = mock;
  // Each button runs its flow; window.mockResult is what the flow ended with.
  for (const name of ["login", "apply", "close"]) {
    document.getElementById(name).addEventListener("click", () => {
      window.mockResult = mock[name]();
    });
  }
  document.getElementById("environment").textContent = mock.supported()
    ? "ご利用の環境で利用できます。"
    : "ご利用の環境（OS）には対応していません。";
</script>
</body>
</html>
`;

/** @param {import("node:http").IncomingMessage} request */
async function jsonBody(request) {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text === "" ? {} : JSON.parse(text);
}

/**
 * Starts the mock portal over HTTPS on a free loopback port. `origin` is
 * https://127.0.0.1:PORT; `otherOrigin` (https://localhost:PORT) is the same server under an
 * origin no allowlist names. `stop()` closes it.
 * @param {{cert: string, key: string, authCa: string, signCa: string, manufactureNumber: string,
 *   holder: {name: string, address: string, birthDate: string, sex: string}}} options
 */
export async function startMockPortal(options) {
  const authCa = new crypto.X509Certificate(fs.readFileSync(options.authCa));
  const signCa = new crypto.X509Certificate(fs.readFileSync(options.signCa));
  /** What this portal asked for last: the login challenge, the documents to sign. */
  const state = { challenge: Buffer.alloc(0), documents: /** @type {Buffer[]} */ ([]) };

  /** The checks a portal's server makes of a reply's identity and certificate. */
  const identityChecks = (reply, ca) => {
    const certificate = new crypto.X509Certificate(Buffer.from(reply.certificate ?? "", "base64"));
    return {
      certificate,
      checks: {
        uuid: /^[0-9a-f]{32}$/.test(reply.uuid ?? ""),
        combinationCode: reply.combination_code === combinationCode(options.manufactureNumber, reply.uuid ?? ""),
        certificateUnpadded: !String(reply.certificate).endsWith("="),
        chain: certificate.verify(ca.publicKey),
      },
    };
  };

  const routes = {
    "/api/challenge": () => {
      state.challenge = crypto.randomBytes(32);
      return { challenge: state.challenge.toString("base64") };
    },
    "/api/login": (reply) => {
      const { certificate, checks } = identityChecks(reply, authCa);
      // Signed as given: the card's PKCS#1 v1.5 block holds exactly the challenge.
      const recovered = crypto.publicDecrypt(
        { key: certificate.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.from(reply.signature, "base64"),
      );
      return { ...checks, signature: recovered.equals(state.challenge) };
    },
    "/api/documents": () => {
      state.documents = [crypto.randomBytes(100), crypto.randomBytes(200)];
      // DigestInfo(SHA-256) of each, so a standard RSA-SHA256 verification applies.
      const prefix = Buffer.from("3031300d060960864801650304020105000420", "hex");
      const digests = state.documents.map((d) => Buffer.concat([prefix, crypto.createHash("sha256").update(d).digest()]));
      return { digests: digests.map((d) => d.toString("base64")) };
    },
    "/api/apply": ({ attributes, signed }) => {
      const hexText = (hex) => Buffer.from(hex ?? "", "hex").toString("utf8");
      const { certificate, checks } = identityChecks(signed, signCa);
      const signatures = Array.isArray(signed.signature) ? signed.signature : [];
      return {
        ...checks,
        signatures:
          signatures.length === state.documents.length &&
          state.documents.every((d, i) =>
            crypto.verify("sha256", d, { key: certificate.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(signatures[i], "base64")),
          ),
        attributes:
          hexText(attributes.name) === options.holder.name &&
          hexText(attributes.address) === options.holder.address &&
          hexText(attributes.birthday) === options.holder.birthDate &&
          hexText(attributes.sex) === options.holder.sex,
        sameInstallation: attributes.uuid === signed.uuid && attributes.combination_code === signed.combination_code,
      };
    },
  };

  const server = https.createServer({ cert: fs.readFileSync(options.cert), key: fs.readFileSync(options.key) }, async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "https://localhost");
      if (request.method === "GET" && url.pathname === "/") {
        response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        response.end(PAGE);
        return;
      }
      const route = routes[url.pathname];
      if (request.method !== "POST" || route === undefined) {
        response.writeHead(404).end();
        return;
      }
      const body = route(await jsonBody(request));
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify(body));
    } catch (error) {
      response.writeHead(500, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    origin: `https://127.0.0.1:${port}`,
    otherOrigin: `https://localhost:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
