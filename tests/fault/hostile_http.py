#!/usr/bin/env python3
"""Hostile real servers for tests/fault/real_servers.fault.sh, one listener per mode.

  hostile_http.py ADDRESS BASEPORT LOGDIR LIFETIME

BASEPORT + n serves mode n of MODES. Every connection is answered in a thread of its own,
bounded in bytes and in time; the whole server exits by itself after LIFETIME seconds.
LOGDIR/<mode>.conns gets a line per connection accepted, LOGDIR/<mode>.bytes the bytes
sent to connections that have ended (so a test sees how much the daemon read).
"""
import os
import socket
import sys
import threading
import time

MODES = [
    "good",      # a proper HTTP/1.0 answer: 200, body "hello\n"
    "trickle",   # a valid status line, then one header byte every 0.2 s
    "silent",    # reads the request, never answers
    "headers",   # an endless head: a header line after another, as fast as taken
    "body",      # a 200 head without a length, then an endless body (16 KiB every 10 ms)
    "tls_stall", # takes the ClientHello, never answers (SSL_GET)
    "tls_junk",  # answers the ClientHello with bytes that are not TLS
]
MAX_BYTES = 64 << 20   # per connection
MAX_SECONDS = 60       # per connection

ADDRESS, BASEPORT, LOGDIR, LIFETIME = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
DEADLINE = time.monotonic() + LIFETIME
lock = threading.Lock()


def record(mode, what, value):
    with lock, open(os.path.join(LOGDIR, f"{mode}.{what}"), "a") as f:
        f.write(f"{value}\n")


def send_until(conn, chunk, limit, pause=0.0):
    sent = 0
    end = min(DEADLINE, time.monotonic() + MAX_SECONDS)
    while sent < limit and time.monotonic() < end:
        try:
            sent += conn.send(chunk)
        except OSError:
            break
        if pause:
            time.sleep(pause)
    return sent


def serve(mode, conn):
    sent = 0
    conn.settimeout(MAX_SECONDS)
    try:
        if mode != "tls_stall":
            conn.recv(4096)  # the request (or the ClientHello)
        if mode == "good":
            body = b"hello\n"
            sent = conn.send(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        elif mode == "trickle":
            sent = conn.send(b"HTTP/1.0 200 OK\r\n")
            sent += send_until(conn, b"X", MAX_BYTES, pause=0.2)
        elif mode in ("silent", "tls_stall"):
            end = min(DEADLINE, time.monotonic() + MAX_SECONDS)
            while time.monotonic() < end:
                conn.settimeout(max(0.1, end - time.monotonic()))
                try:
                    if not conn.recv(4096):
                        break
                except socket.timeout:
                    break
        elif mode == "headers":
            sent = conn.send(b"HTTP/1.0 200 OK\r\n")
            sent += send_until(conn, b"X-Junk: " + b"a" * 1000 + b"\r\n", MAX_BYTES)
        elif mode == "body":
            sent = conn.send(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
            sent += send_until(conn, b"b" * 16384, MAX_BYTES, pause=0.01)
        elif mode == "tls_junk":
            sent = conn.send(b"HTTP/1.0 400 Bad Request\r\n\r\n" + b"\x00" * 1000)
            time.sleep(1)
    except OSError:
        pass
    finally:
        conn.close()
        record(mode, "bytes", sent)


def listen(n, mode):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((ADDRESS, BASEPORT + n))
    s.listen(64)
    s.settimeout(0.5)
    while time.monotonic() < DEADLINE:
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        record(mode, "conns", time.monotonic())
        threading.Thread(target=serve, args=(mode, conn), daemon=True).start()
    s.close()


threads = [threading.Thread(target=listen, args=(n, m), daemon=True) for n, m in enumerate(MODES)]
for t in threads:
    t.start()
print("READY", flush=True)
for t in threads:
    t.join()
