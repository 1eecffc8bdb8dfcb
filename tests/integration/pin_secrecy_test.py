#!/usr/bin/env python3
"""The PIN's secrecy: PINs of their own (set on the simulated card in the real pcscd through
vpcd) are typed in every flow, through the host's scripted dialog and the CLI's --pin-fd, and
must then appear in none of these:

- the host's frames (every reply) and its stderr, the dialog's log of what the host sent it,
  the CLI's stdout and stderr;
- the environment and the command line of every process of the run (/proc/*/environ,
  /proc/*/cmdline under tests/with-virtual-card: pcscd when it started it, the host, the
  dialog, the CLI, this test; not the simulated card, which is given its PINs on its command
  line as a card is made with them), read while the dialog (or the CLI) waits for the PIN and
  again once the operation is done;
- the host's memory (/proc/PID/mem, every readable mapping with pages in memory), read once
  the card operation is over and the host is blocked writing its reply: the test fills the
  reply pipe beforehand, so the host is caught alive with everything it did to the card behind
  it. The host makes itself undumpable, so only a reader with CAP_SYS_PTRACE (this test runs
  as root, as pcscd needs) can look; that is the honest way in: no hook in the host, the
  binary as built. It finds every copy still held (a copy of the typed PIN kept by the dialog
  code is found in each flow) but not always one freed unwiped: the allocator may have reused
  the chunk by then;
- core files: the host runs with a core size limit of 0 (/proc/PID/limits), so none is made.

Under the valgrind preset (JPKI_MEMCHECK names tests/memcheck) the host and the CLI run under
valgrind memcheck, and a memcheck error in any of them fails the test (memcheck_verdicts). The
memory read is then memcheck's process, which holds the host's (memcheck keeps the blocks the
host frees out of use for a while, unwiped, so a PIN freed unwiped has a better chance to be seen).

The dialog reads its PIN from a FIFO (FAKE_PINENTRY_PIN_FILE), so the PIN is in no
environment of the test's own making, and the dialog is held open until the test writes it.

Usage: pin_secrecy_test.py BUILD_DIR SOURCE_DIR
"""
import base64
import fcntl
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

# Valid as a real card holds them (tests/sim/sim_profile.c) and unlikely anywhere by chance.
AUTH_PIN = "7391"
SUPPORT_PIN = "8264"
SIGN_PIN = "QZ7R4K9W2X"
NEW_AUTH_PIN = "5083"
ORIGIN = "https://myna.example.jp"
WAIT_S = 20
F_GETPIPE_SZ = 1032  # fcntl.F_GETPIPE_SZ from Python 3.10

build, source = sys.argv[1], sys.argv[2]
host_bin = os.path.join(build, "host/bridge/jpki-bridge-host")
cli_bin = os.path.join(build, "host/cli/jpki")
pinentry_bin = os.path.join(build, "tests/fake-pinentry/fake-pinentry")
failures = []
memcheck = os.environ.get("JPKI_MEMCHECK")


def started(program, work):
    """The command that starts program: under memcheck with the valgrind preset."""
    if not memcheck:
        return [program]
    logs = os.path.join(work, "memcheck")
    os.makedirs(logs, exist_ok=True)
    return [memcheck, logs, program]


def memcheck_verdicts(work):
    """Under the valgrind preset: each run started under memcheck has a log whose verdict is
    no error; returns how many runs there were."""
    logs = os.path.join(work, "memcheck")
    runs = [name[:-len(".started")] for name in os.listdir(logs) if name.endswith(".started")]
    for pid in runs:
        try:
            with open(os.path.join(logs, pid + ".log"), errors="replace") as file:
                log = file.read()
        except OSError:
            log = ""
        summary = re.search(r"ERROR SUMMARY: (\d+)", log)
        if summary is None or summary.group(1) != "0":
            fail(f"memcheck: the run of PID {pid}: {log or 'no log'}")
    return len(runs)


def fail(what):
    print("FAIL: " + what, flush=True)
    failures.append(what)


def descendants(root):
    """The PIDs under root (root included), from /proc's parent links."""
    parent = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            pass
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(child for child, p in parent.items() if p == pid and child not in found)
    return found


def secrets_in(data, where, pins):
    for pin in pins:
        if pin.encode() in data:
            fail(f"the PIN {pin} in {where}")


def scan_processes(pins, moment):
    """environ and cmdline of every process of the run (under tests/with-virtual-card), but
    the simulated card and its starter, whose command line is where the card gets its PINs."""
    pids = descendants(os.getppid()) - {os.getppid(), int(os.environ["JPKI_SIM_PID"])}
    for pid in pids:
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as file:
                    data = file.read()
            except OSError:
                continue  # gone meanwhile
            secrets_in(data, f"/proc/{pid}/{part} ({moment})", pins)
    return len(pids)


def scan_memory(pid, pins):
    """Every readable mapping of pid with pages in memory; returns the bytes read. Mappings
    past 1 GiB are left out: only the ASan build has them (its shadow, reserved, not data)."""
    total = 0
    mappings = []  # [range, permissions, name, Rss]
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if re.match(r"[0-9a-f]+-[0-9a-f]+$", fields[0]):
                mappings.append([fields[0], fields[1], fields[5] if len(fields) > 5 else "", ""])
            elif fields[0] == "Rss:":
                mappings[-1][3] = fields[1]
    with open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for where, perms, name, rss in mappings:
            start, end = (int(x, 16) for x in where.split("-"))
            if perms[0] != "r" or rss == "0" or name == "[vvar]" or end - start > 1 << 30:
                continue
            try:
                mem.seek(start)
                data = mem.read(end - start)
            except OSError:
                continue
            total += len(data)
            secrets_in(data, f"the host's memory ({name or 'anonymous'} at {where})", pins)
    return total


def in_syscall(pid, number, fd=None):
    """Whether one of pid's threads is in the x86-64 system call number (on fd, if given)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/syscall") as syscall:
                fields = syscall.read().split()
        except OSError:
            continue
        if fields and fields[0] == str(number) and (fd is None or int(fields[1], 16) == fd):
            return True
    return False


def in_write(pid):
    return in_syscall(pid, 1)


def read_frame(fd):
    head = read_exactly(fd, 4)
    return read_exactly(fd, struct.unpack("=I", head)[0])


def read_exactly(fd, n):
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            raise EOFError(f"{len(data)} of {n} bytes")
        data += chunk
    return data


def host_flow(name, request, pins, work):
    """One request to the real host, the dialog answered with pins[0] through a FIFO."""
    start = time.monotonic()
    fifo = os.path.join(work, f"{name}.pin")
    os.mkfifo(fifo)
    env = dict(os.environ, FAKE_PINENTRY_PIN_FILE=fifo,
               FAKE_PINENTRY_LOG=os.path.join(work, f"{name}.dialog"))
    err_path = os.path.join(work, f"{name}.err")
    out_r, out_w = os.pipe()
    with open(err_path, "wb") as err:
        host = subprocess.Popen(started(host_bin, work), stdin=subprocess.PIPE, stdout=out_w,
                                stderr=err, env=env, cwd=work)
    frames = read_frame(out_r)  # the version frame
    # Fill the reply pipe to its capacity (page by page, blocking: O_NONBLOCK would be the
    # host's too), so that the host's reply write blocks until the test reads.
    filler = fcntl.fcntl(out_w, F_GETPIPE_SZ)
    for _ in range(filler // 4096):
        os.write(out_w, b"\0" * 4096)
    os.close(out_w)
    body = json.dumps(request).encode()
    host.stdin.write(struct.pack("=I", len(body)) + body)
    host.stdin.flush()

    pin_fd = os.open(fifo, os.O_WRONLY)  # returns once the dialog's GETPIN opened it
    scanned = scan_processes(pins, f"{name}, dialog open")
    os.write(pin_fd, (pins[0] + "\n").encode())
    os.close(pin_fd)

    deadline = time.monotonic() + WAIT_S
    while not in_write(host.pid) and host.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if host.poll() is not None or not in_write(host.pid):
        fail(f"{name}: the host was not caught writing its reply")
    else:
        with open(f"/proc/{host.pid}/limits") as limits:
            if not re.search(r"^Max core file size\s+0\s+0", limits.read(), re.M):
                fail(f"{name}: the host may write a core file")
        read = scan_memory(host.pid, pins)
        print(f"  {name}: {read // 1024} KiB of the host's memory read", flush=True)
        scan_processes(pins, f"{name}, operation done")

    read_exactly(out_r, filler)
    reply = read_frame(out_r)
    host.stdin.close()
    if host.wait(timeout=WAIT_S) != 0:
        fail(f"{name}: the host exited with {host.returncode}")
    rest = os.read(out_r, 1 << 16)
    os.close(out_r)
    secrets_in(frames + reply + rest, f"{name}: the host's frames", pins)
    with open(err_path, "rb") as err:
        secrets_in(err.read(), f"{name}: the host's stderr", pins)
    with open(env["FAKE_PINENTRY_LOG"], "rb") as log:
        secrets_in(log.read(), f"{name}: what the host sent the dialog", pins)
    print(f"  {name}: {scanned} processes scanned, {time.monotonic() - start:.1f} s", flush=True)
    return json.loads(reply)


def cli_flow(name, args, pins, work):
    """The CLI with its PINs on --pin-fd, one line each, written once it waits for them."""
    start = time.monotonic()
    pin_r, pin_w = os.pipe()
    cli = subprocess.Popen([*started(cli_bin, work), *args, "--json", "--pin-fd", str(pin_r)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(pin_r,),
                           cwd=work)
    # Scanned once the CLI waits in read(2) on its --pin-fd.
    deadline = time.monotonic() + WAIT_S
    while not in_syscall(cli.pid, 0, pin_r) and time.monotonic() < deadline:
        time.sleep(0.01)
    if not in_syscall(cli.pid, 0, pin_r):
        fail(f"{name}: jpki was not caught reading its --pin-fd")
    scanned = scan_processes(pins, f"{name}, waiting for the PIN")
    os.close(pin_r)
    os.write(pin_w, "".join(pin + "\n" for pin in pins).encode())
    os.close(pin_w)
    out, err = cli.communicate(timeout=WAIT_S)
    if cli.returncode != 0:
        fail(f"{name}: jpki exited with {cli.returncode}: {err.decode(errors='replace')}")
    secrets_in(out, f"{name}: jpki's stdout", pins)
    secrets_in(err, f"{name}: jpki's stderr", pins)
    print(f"  {name}: {scanned} processes scanned, {time.monotonic() - start:.1f} s", flush=True)
    return json.loads(out)


def nonce():
    return base64.b64encode(os.urandom(33)).decode()


def inside():
    with tempfile.TemporaryDirectory() as work:
        config = os.path.join(work, "config")
        os.makedirs(os.path.join(config, "jpki-bridge"))
        with open(os.path.join(config, "jpki-bridge", "host.conf"), "w") as conf:
            conf.write("[host]\ntest-variables=true\n")
        os.environ.update(XDG_CONFIG_HOME=config, JPKI_PINENTRY=pinentry_bin, LANG="C.UTF-8")
        digest = base64.b64encode(hashlib.sha256(b"form").digest()).decode()
        hash384 = base64.b64encode(hashlib.sha384(b"document").digest()).decode()

        def request(command, **arguments):
            return {"command": command, "arguments": {"origin": ORIGIN, **arguments}}

        reply = host_flow("authenticate", request("authenticate", challengeNonce=nonce()),
                          [AUTH_PIN], work)
        if reply.get("format") != "web-eid:1.0":
            fail(f"authenticate: {reply}")
        reply = host_flow("get-signing-certificate", request("get-signing-certificate"),
                          [SIGN_PIN], work)
        certificate = reply.get("certificate", "")
        reply = host_flow("sign", request("sign", hash=hash384, hashFunction="SHA-384",
                                          certificate=certificate), [SIGN_PIN], work)
        if "signature" not in reply:
            fail(f"sign: {reply}")
        reply = host_flow("sign-cms", request("sign-cms", digest=digest,
                                              hashFunction="SHA-256"), [SIGN_PIN], work)
        if "cms" not in reply:
            fail(f"sign-cms: {reply}")
        reply = host_flow("read-attributes", request("read-attributes"), [SUPPORT_PIN], work)
        if "error" in reply:
            fail(f"read-attributes: {reply}")

        document = os.path.join(work, "form.txt")
        with open(document, "w") as file:
            file.write("申請書\n")
        cli_flow("jpki sign", ["sign", document], [SIGN_PIN], work)
        cli_flow("jpki attributes", ["attributes"], [SUPPORT_PIN], work)
        cli_flow("jpki pin change auth", ["pin", "change", "auth"], [AUTH_PIN, NEW_AUTH_PIN],
                 work)
        cli_flow("jpki pin change auth (back)", ["pin", "change", "auth"],
                 [NEW_AUTH_PIN, AUTH_PIN], work)
        if memcheck:
            runs = memcheck_verdicts(work)
            print(f"{runs} runs under valgrind memcheck", flush=True)
            if runs == 0:
                fail("nothing ran under memcheck")
    if failures:
        sys.exit(1)
    print("the PINs were found nowhere")


if os.uname().machine != "x86_64":
    sys.exit("pin_secrecy_test.py: in_syscall() knows the x86-64 system call numbers only")
if len(sys.argv) > 3 and sys.argv[3] == "--inside":
    inside()
else:
    sys.exit(subprocess.call([
        os.path.join(source, "tests/with-virtual-card"), "--auth-pin", AUTH_PIN,
        "--sign-pin", SIGN_PIN, "--support-pin", SUPPORT_PIN, "--",
        sys.executable, os.path.abspath(__file__), build, source, "--inside"]))
