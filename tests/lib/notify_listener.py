#!/usr/bin/env python3
"""notify_listener.py SOCKET OUT SECONDS: receive sd_notify datagrams on SOCKET for at most
SECONDS, appending "<monotonic seconds> <line>" for each line to OUT."""
import socket
import sys
import time

path, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
end = time.monotonic() + seconds
with open(out, "a") as f:
    while time.monotonic() < end:
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        now = time.monotonic()
        for line in data.decode(errors="replace").split("\n"):
            if line:
                f.write("%.3f %s\n" % (now, line))
        f.flush()
