#!/usr/bin/env python3
"""Plays the browser for a Windows host under Wine: sends one request frame through a pipe,
keeps the pipe open (a closed stdin is the browser leaving) until the reply frame is in,
prints the reply's JSON on stdout, then closes the pipe and exits with the host's status
(1 when the host wrote no version and reply frame, or anything after them).

usage: pipe_host.py EMULATOR HOST.EXE REQUEST-JSON
"""
import struct
import subprocess
import sys


def read_frame(stream):
    head = stream.read(4)
    if len(head) < 4:
        return None
    (length,) = struct.unpack("<I", head)
    body = stream.read(length)
    return body if len(body) == length else None


def main():
    emulator, host, request = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    proc = subprocess.Popen([emulator, host], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.stdin.write(struct.pack("<I", len(request)) + request)
    proc.stdin.flush()
    version, reply = read_frame(proc.stdout), read_frame(proc.stdout)
    proc.stdin.close()
    rest = proc.stdout.read()
    status = proc.wait(timeout=60)
    if version is None or reply is None or rest:
        print(f"pipe_host: expected two frames and nothing after, got {version!r} {reply!r} {rest!r}",
              file=sys.stderr)
        return 1
    sys.stdout.write(reply.decode() + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
