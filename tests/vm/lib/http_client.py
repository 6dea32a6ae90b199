#!/usr/bin/env python3
"""A bounded HTTP client for the VM scenarios: one process for many requests (process
start-up is what costs under TCG).

    http_client.py ADDR COUNT PAUSE DEADLINE [STOP_FILE]

Makes at most COUNT HTTP/1.0 GETs of http://ADDR/ one after the other, each on a new
connection (so IPVS schedules each one), PAUSE seconds apart, for at most DEADLINE seconds
in all, and stops early once STOP_FILE exists. Each request has 1 s to connect and 1 s per
read. Prints one line per request, at once: "EPOCH BODY", BODY being the first line of the
answer's body or FAIL.
"""
import os
import socket
import sys
import time


def fetch(addr: str) -> str:
    try:
        with socket.create_connection((addr, 80), timeout=1.0) as s:
            s.settimeout(1.0)
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while len(data) < 65536:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return "FAIL"
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\r\n")[0] + b" ":
        return "FAIL"
    line = body.decode("utf-8", "replace").strip().split("\n")[0].strip()
    return line or "EMPTY"


def main() -> int:
    addr, count, pause, deadline = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    stop = sys.argv[5] if len(sys.argv) > 5 else ""
    end = time.monotonic() + deadline
    for i in range(count):
        if time.monotonic() >= end or (stop and os.path.exists(stop)):
            break
        t = time.time()
        print(f"{t:.3f} {fetch(addr)}", flush=True)
        if pause > 0 and i + 1 < count:
            time.sleep(pause)
    return 0


if __name__ == "__main__":
    sys.exit(main())
