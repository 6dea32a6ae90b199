#!/usr/bin/env python3
"""Scripted HTTP pages for the genhash and checker scenarios (loopback or a test namespace).

    pages.py PORT [ADDR ...]      (default 127.0.0.1 and ::1)

The path picks the behaviour: /small, /echo (the body is the request head), /chunked,
/large (256 KiB), /status/NNN, /clextra (Content-Length shorter than the body), /slow,
/silent, /stall, /reset, /garbage, /bighdr, /empty, /lf, /keepalive, /endless.
Every wait and every loop is bounded (at most 10 s, at most 64 MiB per connection).
"""
import asyncio
import socket
import struct
import sys

LARGE = bytes((i * 7 + 3) % 256 for i in range(256 * 1024))


async def read_head(reader):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 16384:
        chunk = await asyncio.wait_for(reader.read(4096), 10)
        if not chunk:
            break
        data += chunk
    return data


async def wait_close(reader, limit=10):
    try:
        while await asyncio.wait_for(reader.read(4096), limit):
            pass
    except (asyncio.TimeoutError, ConnectionError):
        pass


def page(status, body, extra=b""):
    return b"HTTP/1.0 " + status + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body


async def handle(reader, writer):
    try:
        head = await read_head(reader)
        line = head.split(b"\r\n", 1)[0].split(b" ")
        path = line[1].decode("latin1") if len(line) > 1 else "/"
        w = writer.write
        if path == "/small":
            w(page(b"200 OK", b"<html><body>small page</body></html>\n", b"Content-Type: text/html\r\n"))
        elif path == "/echo":
            w(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + head)
        elif path == "/chunked":
            body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (b"hello", b" chunked", b" world\n"))
            w(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body + b"0\r\n\r\n")
        elif path == "/large":
            w(b"HTTP/1.0 200 OK\r\nContent-Length: " + str(len(LARGE)).encode() + b"\r\n\r\n" + LARGE)
        elif path.startswith("/status/"):
            code = path.split("/")[2].encode()
            w(page(code + b" Status", b"status " + code + b"\n"))
        elif path == "/clextra":
            w(b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbodyEXTRA")
        elif path == "/slow":
            w(b"HTTP/1.0 200 OK\r\n\r\nab")
            for part in (b"cd", b"ef"):
                await writer.drain()
                await asyncio.sleep(0.3)
                w(part)
        elif path == "/silent":
            await wait_close(reader)
        elif path == "/stall":
            w(b"HTTP/1.0 200 OK\r\n\r\npartial")
            await writer.drain()
            await wait_close(reader)
        elif path == "/reset":
            w(b"HTTP/1.0 200 OK\r\n\r\npartial")
            await writer.drain()
            await asyncio.sleep(0.2)
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif path == "/garbage":
            w(bytes(range(256)) * 2)
        elif path == "/bighdr":
            w(b"HTTP/1.0 200 OK\r\nX: " + b"a" * 6000 + b"\r\n\r\nbody")
            await writer.drain()
            await asyncio.sleep(0.2)
        elif path == "/empty":
            pass
        elif path == "/lf":
            w(b"HTTP/1.0 200 OK\nA: b\n\nbody")
        elif path == "/keepalive":
            w(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody")
            await writer.drain()
            await wait_close(reader)
        elif path == "/endless":
            w(b"HTTP/1.0 200 OK\r\n\r\n")
            sent = 0
            loop = asyncio.get_running_loop()
            end = loop.time() + 10
            while sent < (64 << 20) and loop.time() < end:
                w(b"x" * 65536)
                sent += 65536
                await writer.drain()
        else:
            w(page(b"404 Not Found", b"not found\n"))
        await writer.drain()
    except (ConnectionError, asyncio.TimeoutError):
        pass
    finally:
        writer.close()


async def main():
    port = int(sys.argv[1])
    addrs = sys.argv[2:] or ["127.0.0.1", "::1"]
    servers = [await asyncio.start_server(handle, a, port, reuse_address=True) for a in addrs]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


asyncio.run(main())
