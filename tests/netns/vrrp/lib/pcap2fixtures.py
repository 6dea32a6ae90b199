#!/usr/bin/env python3
"""Turns a capture of VRRP adverts (pcap, Ethernet) into the fixture table the codec unit
tests read (tests/data/vrrp/*.fixtures): one line per advert,

    name family source destination ttl hex

where hex is the whole IPv4 packet (header, AH, VRRP) or, for IPv6, the VRRP message (a raw
IPv6 socket never sees the IPv6 header). The name says what the packet is, e.g.
v2-pass-mcast-vrid11-prio150. The first advert of each (vrid, family, destination,
priority class) is kept: one with a priority, and the priority-0 one sent on shutdown.

With --announce it prints the gratuitous ARPs and unsolicited neighbour advertisements
instead, one per VIP: `name mac vip hex` (hex: the whole Ethernet frame).

usage: pcap2fixtures.py CAPTURE.pcap [PREFIX] > FILE.fixtures
       pcap2fixtures.py --announce CAPTURE.pcap > FILE.fixtures
"""
import ipaddress
import struct
import sys


def packets(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit('%s: not a little-endian pcap file' % path)
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack('<IIII', data[off:off + 16])
        off += 16
        yield data[off:off + caplen]
        off += caplen


def checksum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def standard_v3_checksum_ok(src, dst, vrrp):
    if src.version == 4:
        pseudo = src.packed + dst.packed + bytes([0, 112]) + struct.pack('!H', len(vrrp))
    else:
        pseudo = src.packed + dst.packed + struct.pack('!I', len(vrrp)) + bytes([0, 0, 0, 112])
    return checksum(pseudo + vrrp) == 0


def announce(path):
    seen = set()
    for frame in packets(path):
        if len(frame) < 14:
            continue
        mac = frame[6:12]
        ethertype = struct.unpack('!H', frame[12:14])[0]
        if ethertype == 0x0806 and len(frame) >= 42 and frame[20:22] == b'\x00\x01' and frame[28:32] == frame[38:42]:
            vip = ipaddress.ip_address(frame[28:32])
            name = 'garp-%s' % vip
            frame = frame[:42]
        elif ethertype == 0x86dd and len(frame) >= 78 and frame[:6] == b'\x33\x33\x00\x00\x00\x01' and frame[20] == 58 and frame[54] == 136:
            vip = ipaddress.ip_address(frame[62:78])
            name = 'na-%s' % vip
            frame = frame[:14 + 40 + struct.unpack('!H', frame[18:20])[0]]
        else:
            continue
        if name in seen:
            continue
        seen.add(name)
        print(name, mac.hex(':'), vip, frame.hex())


def main():
    if sys.argv[1] == '--announce':
        announce(sys.argv[2])
        return
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else ''
    seen = set()
    for frame in packets(path):
        if len(frame) < 14:
            continue
        ethertype = struct.unpack('!H', frame[12:14])[0]
        ip = frame[14:]
        if ethertype == 0x0800 and len(ip) >= 20:
            ihl = (ip[0] & 0x0f) * 4
            total = struct.unpack('!H', ip[2:4])[0]
            ip = ip[:total]
            proto, ttl = ip[9], ip[8]
            src, dst = ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20])
            if proto == 112:
                vrrp = ip[ihl:]
            elif proto == 51:
                vrrp = ip[ihl + 24:]
            else:
                continue
            family, payload = 'inet', ip
        elif ethertype == 0x86dd and len(ip) >= 40:
            if ip[6] != 112:
                continue
            plen = struct.unpack('!H', ip[4:6])[0]
            ttl = ip[7]
            src, dst = ipaddress.ip_address(ip[8:24]), ipaddress.ip_address(ip[24:40])
            vrrp = ip[40:40 + plen]
            family, payload = 'inet6', vrrp
        else:
            continue
        if len(vrrp) < 8:
            continue
        version, vrid, prio = vrrp[0] >> 4, vrrp[1], vrrp[2]
        auth = {0: 'none', 1: 'pass', 2: 'ah'}.get(vrrp[4], 'x') if version == 2 else 'none'
        cast = 'mcast' if dst.is_multicast else 'ucast'
        if version == 3 and not standard_v3_checksum_ok(src, dst, vrrp):
            cast += '-oldsum'   # keepalived's pre-1.3.6 unicast checksum
        key = (family, vrid, cast, prio == 0)
        if key in seen:
            continue
        seen.add(key)
        name = '%sv%d-%s-%s-%s-vrid%d-prio%d' % (prefix, version, family, auth, cast, vrid, prio)
        print(name, family, src, dst, ttl, payload.hex())


if __name__ == '__main__':
    main()
