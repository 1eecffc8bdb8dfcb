#!/usr/bin/env python3
"""Logins per second through jpki-demo-portal instances (scripts/bench, part 5).

Each login asks one instance for a nonce (POST /api/nonce), signs the login token as the card
would (RS256 over SHA-256(origin) || SHA-256(nonce) with the test PKI's auth.key) and posts it
to the next instance (POST /api/login), round robin: with two instances sharing Redis every
nonce is taken by the instance that did not issue it. Prints logins per second; asserts
nothing.

  bench_logins.py TEST_PKI_DIR ORIGIN SECONDS CLIENTS BASE_URL...
"""
import base64
import hashlib
import http.client
import json
import sys
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import load_pem_x509_certificate


def connection(base):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port)


def client(pki, origin, bases, deadline, counts, index):
    with open(f"{pki}/auth.key", "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    with open(f"{pki}/auth-valid.pem", "rb") as f:
        cert = load_pem_x509_certificate(f.read())
    cert_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    conns = [connection(b) for b in bases]
    done = 0
    turn = index
    while time.monotonic() < deadline:
        issuer = conns[turn % len(conns)]
        taker = conns[(turn + 1) % len(conns)]
        turn += 1
        issuer.request("POST", "/api/nonce", headers={"Content-Length": "0"})
        reply = issuer.getresponse()
        cookie = reply.getheader("Set-Cookie").split(";", 1)[0]
        nonce = json.loads(reply.read())["nonce"]
        message = hashlib.sha256(origin.encode()).digest() + hashlib.sha256(nonce.encode()).digest()
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        token = json.dumps({
            "unverifiedCertificate": cert_b64, "algorithm": "RS256",
            "signature": base64.b64encode(signature).decode(), "format": "web-eid:1.0",
            "appVersion": "https://example.invalid/bench"})
        taker.request("POST", "/api/login", body=token,
                      headers={"Content-Type": "application/json", "Cookie": cookie})
        reply = taker.getresponse()
        body = reply.read()
        if reply.status != 200:
            sys.exit(f"bench_logins: a login failed: {reply.status} {body[:200]!r}")
        done += 1
    counts[index] = done


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    pki, origin, seconds, clients = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    bases = sys.argv[5:]
    counts = [0] * clients
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(pki, origin, bases, deadline, counts, i))
               for i in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    print(f"{sum(counts) / elapsed:.0f} logins/s ({sum(counts)} in {elapsed:.1f} s, "
          f"{clients} clients, {len(bases)} instance(s))")


main()
