#!/usr/bin/env python3
"""Small real servers for the checker scenarios, each bounded and ended by its test.

  servers.py smtp PORT MODEFILE LOGFILE   SMTP sink: 220 greeting, 250 to HELO/EHLO/MAIL/
                                          RCPT, 354 to DATA, 221 to QUIT; commands logged.
  servers.py dns PORT MODEFILE            DNS responder: echoes the question with NOERROR
                                          and one A record (192.0.2.53).
  servers.py udp PORT MODEFILE            UDP echo.

MODEFILE is read at every connection / datagram, so a test can change behaviour without
restarting the server: ok | refuse (SMTP 554 / DNS NXDOMAIN) | garbage | silent | slow.
"""
import os
import socket
import socketserver
import struct
import sys
import threading
import time


def mode(path):
    try:
        with open(path) as f:
            return f.read().strip() or "ok"
    except OSError:
        return "ok"


class Smtp(socketserver.StreamRequestHandler):
    timeout = 10

    def handle(self):
        m = mode(self.server.modefile)
        if m == "silent":
            time.sleep(8)
            return
        if m == "slow":
            time.sleep(3)
        if m == "garbage":
            self.wfile.write(b"\x00\xffGARBAGE" * 100 + b"\r\n")
            return
        if m == "refuse":
            self.wfile.write(b"554 sink busy\r\n")
            return
        self.wfile.write(b"220 sink ESMTP\r\n")
        in_data = False
        message = []
        for _ in range(1000):
            line = self.rfile.readline(1000)
            if not line:
                return
            if in_data:
                # A message goes to the log whole, at its end: mail sent over several
                # connections at once must not interleave line by line.
                message.append(b"DATA: " + line)
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    with self.server.lock, open(self.server.logfile, "ab") as f:
                        f.write(b"".join(message))
                    message = []
                    self.wfile.write(b"250 queued\r\n")
                continue
            with self.server.lock, open(self.server.logfile, "ab") as f:
                f.write(line)
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def dns_answer(query, rcode):
    if len(query) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    # Walk the question to find its end.
    off = 12
    while off < len(query) and query[off] != 0:
        off += 1 + query[off]
    off += 5
    question = query[12:off]
    an = 1 if rcode == 0 else 0
    hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, an, 0, 0)
    answer = b""
    if an:
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("192.0.2.53")
    return hdr + question + answer


def serve_dns(port, modefile):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(2048)
        m = mode(modefile)
        if m == "silent":
            continue
        if m == "garbage":
            s.sendto(data[:2] + b"\x81\x80" + os.urandom(40), peer)
            continue
        reply = dns_answer(data, 3 if m == "refuse" else 0)
        if reply:
            s.sendto(reply, peer)


def serve_udp(port, modefile):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    while True:
        data, peer = s.recvfrom(2048)
        m = mode(modefile)
        if m == "silent":
            continue
        s.sendto(b"\xde\xad" if m == "garbage" else data, peer)


def main():
    kind, port, modefile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "smtp":
        srv = ThreadingTCP(("0.0.0.0", port), Smtp)
        srv.modefile = modefile
        srv.logfile = sys.argv[4]
        srv.lock = threading.Lock()
        srv.serve_forever()
    elif kind == "dns":
        serve_dns(port, modefile)
    elif kind == "udp":
        serve_udp(port, modefile)


if __name__ == "__main__":
    main()
