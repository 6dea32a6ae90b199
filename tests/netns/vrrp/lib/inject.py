#!/usr/bin/env python3
"""Sends hand-made (often hostile) VRRP packets from inside a test namespace, to test that
daemons drop them. Bounded: at most --count packets, --interval apart, then it exits.

    inject.py --src 192.0.2.9 --vrid 51 --prio 200 [--dst 224.0.0.18] [--ttl 255]
              [--version 2|3] [--interval-cs 100] [--addr 192.0.2.100 ...]
              [--auth none|pass:SECRET] [--mutate KIND] [--count N] [--gap SECONDS]

KIND: none, bad-checksum, truncate, long, bad-type, bad-version, count-too-big, zero-interval.
Only addresses inside the namespace's own test subnets may be used as destinations.
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def build(a):
    addrs = [ipaddress.ip_address(x).packed for x in (a.addr or [])]
    auth_type, auth = 0, b''
    if a.auth.startswith('pass:'):
        auth_type, auth = 1, a.auth[5:].encode()[:8].ljust(8, b'\0')
    if a.version == 2:
        hdr = struct.pack('!BBBBBBH', 0x21, a.vrid, a.prio, len(addrs), auth_type, a.interval_cs // 100, 0)
        msg = hdr + b''.join(addrs) + (auth or bytes(8))
    else:
        hdr = struct.pack('!BBBBHH', 0x31, a.vrid, a.prio, len(addrs), a.interval_cs & 0xfff, 0)
        msg = hdr + b''.join(addrs)
    m = a.mutate
    if m == 'bad-type':
        msg = bytes([(msg[0] & 0xf0) | 2]) + msg[1:]
    if m == 'bad-version':
        msg = bytes([0x41]) + msg[1:]
    if m == 'count-too-big':
        msg = msg[:3] + bytes([msg[3] + 5]) + msg[4:]
    if m == 'zero-interval':
        msg = msg[:4] + (bytes([auth_type, 0]) if a.version == 2 else b'\0\0') + msg[6:]
    src, dst = ipaddress.ip_address(a.src).packed, ipaddress.ip_address(a.dst).packed
    if a.version == 3:
        pseudo = src + dst + bytes([0, 112]) + struct.pack('!H', len(msg))
        c = csum(pseudo + msg)
    else:
        c = csum(msg)
    msg = msg[:6] + struct.pack('!H', c) + msg[8:]
    if m == 'bad-checksum':
        msg = msg[:6] + struct.pack('!H', c ^ 0x5555) + msg[8:]
    if m == 'truncate':
        msg = msg[:6]
    if m == 'long':
        msg = msg + bytes(16)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0xc0, 20 + len(msg), 1, 0, a.ttl, 112, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return ip + msg


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--src', required=True)
    p.add_argument('--dst', default='224.0.0.18')
    p.add_argument('--vrid', type=int, required=True)
    p.add_argument('--prio', type=int, default=200)
    p.add_argument('--ttl', type=int, default=255)
    p.add_argument('--version', type=int, default=2)
    p.add_argument('--interval-cs', type=int, default=100)
    p.add_argument('--addr', action='append')
    p.add_argument('--auth', default='none')
    p.add_argument('--mutate', default='none')
    p.add_argument('--count', type=int, default=1)
    p.add_argument('--gap', type=float, default=0.0)
    p.add_argument('--ifname', default='eth0')
    a = p.parse_args()
    dst = ipaddress.ip_address(a.dst)
    allowed = [ipaddress.ip_network(n) for n in ('192.0.2.0/24', '224.0.0.0/24')]
    if not any(dst in n for n in allowed):
        sys.exit('refusing destination %s outside the test networks' % dst)
    count = max(0, min(a.count, 100000))
    pkt = build(a)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.ifname.encode())
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(a.src))
    deadline = time.monotonic() + 120
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        s.sendto(pkt, (a.dst, 0))
        if a.gap:
            time.sleep(a.gap)


if __name__ == '__main__':
    main()
