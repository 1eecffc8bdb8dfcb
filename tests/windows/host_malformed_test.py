#!/usr/bin/env python3
"""The Windows host (jpki-bridge-host.exe, under Wine) against tests/bridge/malformed-requests.txt.

Each request goes to a fresh host through a pipe, as a browser sends it (GIO's and the C
runtime's stdin read a pipe as Windows gives it; a file redirected to stdin is not what a
browser uses): the host must write its version frame, then exactly one error frame with the
expected code, the keys of docs/protocol.md ("Errors") and the expected text in its message,
then nothing, and exit 0.

usage: host_malformed_test.py EMULATOR HOST.EXE MALFORMED-REQUESTS.TXT
"""
import concurrent.futures
import json
import struct
import subprocess
import sys

TIMEOUT_S = 60
ERROR_KEYS = ["code", "en", "ja", "message"]


def frames(data):
    """The frames of a host's stdout; raises ValueError on a cut frame."""
    out = []
    while data:
        if len(data) < 4:
            raise ValueError("a cut length prefix")
        (length,) = struct.unpack("<I", data[:4])
        if len(data) < 4 + length:
            raise ValueError("a cut frame")
        out.append(json.loads(data[4 : 4 + length]))
        data = data[4 + length :]
    return out


def run_host(emulator, host, frame):
    return subprocess.run([emulator, host], input=frame, capture_output=True, timeout=TIMEOUT_S)


def run_case(emulator, host, case):
    expected, request, detail = case
    frame = struct.pack("<I", len(request)) + request
    proc = run_host(emulator, host, frame)
    # Wine now and then fails to start a program at all (status 1, no output, no message)
    # while its server of the last test shuts down: such a run is tried once more. A host
    # that answers nothing twice still fails.
    if proc.returncode != 0 and not proc.stdout and not proc.stderr:
        proc = run_host(emulator, host, frame)
    problem = None
    try:
        replies = frames(proc.stdout)
    except ValueError as error:
        replies, problem = [], str(error)
    if problem is None and proc.returncode != 0:
        problem = f"exit status {proc.returncode}"
    elif problem is None and (len(replies) != 2 or "version" not in replies[0]):
        problem = f"expected the version and one reply, got {replies}"
    else:
        reply = replies[1] if len(replies) == 2 else {}
        error = reply.get("error", {}) if isinstance(reply, dict) else {}
        if (
            list(reply) != ["error"]
            or sorted(error) != ERROR_KEYS
            or error.get("code") != expected
            or detail not in error.get("message", "")
            or not all(isinstance(error.get(k), str) and error.get(k) for k in ERROR_KEYS[1:])
        ):
            problem = f'expected {expected} ("{detail}"), got {reply}'
    if problem is None:
        return None
    return f"request: {request[:300]!r}\n  {problem}\n  stderr: {proc.stderr[-500:]!r}"


def main():
    emulator, host, table = sys.argv[1:4]
    cases = []
    with open(table, "rb") as f:
        for line in f.read().split(b"\n"):
            if not line or line.startswith(b"#"):
                continue
            expected, request, detail = line.split(b"\t")
            cases.append((expected.decode(), request, detail.decode()))
    # Wine starts a program in about a second; two at a time keeps the run short on 2 cores.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(lambda c: run_case(emulator, host, c), cases) if f]
    for failure in failures:
        print(failure)
    print(f"{len(cases) - len(failures)} of {len(cases)} malformed requests answered")
    return 1 if failures or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
