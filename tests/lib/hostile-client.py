#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A client on 127.0.0.1 that misbehaves on purpose, for the tests of `certtrust serve`.

hostile-client.py hold PORT N
    open N TCP connections and say nothing; print "ready K" when K of them are open (all,
    or as many as the server's queue took), then
    until stdin ends print "closed K" each time the server has closed K of them in total;
    close them all when stdin ends
hostile-client.py idle PORT N WAIT
    open N TCP connections and say nothing; wait until the server has closed them all or
    WAIT seconds have passed; print "closed K seconds S" (S: when the last one closed)
hostile-client.py post PORT PATH DECLARED SEND
    one TLS connection (no certificate check): POST PATH with Content-Length DECLARED,
    then up to SEND bytes of body, as fast as the server takes them; print
    "status CODE", "allow VALUE" and "sent BYTES" ("status none" when no answer came)
hostile-client.py flood PORT N
    N TLS connections one after the other that send a ClientHello and hang up at once;
    print "flooded N"
hostile-client.py get PORT N CONCURRENCY
    N GET requests over TLS, CONCURRENCY at a time; print "ok K", "failed F", "seconds S"
"""
import os
import selectors
import socket
import ssl
import sys
import threading
import time


def context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def hold(port, count):
    conns = []
    try:
        for _ in range(count):
            conns.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    except OSError:
        pass  # the server's queue is full: it holds what it can
    print("ready %d" % len(conns), flush=True)
    # epoll, not select(): more than 1,024 descriptors
    watch = selectors.DefaultSelector()
    watch.register(sys.stdin, selectors.EVENT_READ)
    for c in conns:
        watch.register(c, selectors.EVENT_READ)
    closed = 0
    while True:
        for key, _ in watch.select(1.0):
            if key.fileobj is sys.stdin:
                if not os.read(sys.stdin.fileno(), 4096):
                    for c in conns:
                        c.close()
                    return
                continue
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:
                watch.unregister(key.fileobj)
                closed += 1
                print("closed %d" % closed, flush=True)


def idle(port, count, wait):
    conns = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(count)]
    start = time.monotonic()
    closed = 0
    last = 0.0
    watch = selectors.DefaultSelector()
    for c in conns:
        watch.register(c, selectors.EVENT_READ)
    while closed < count and time.monotonic() - start < wait:
        for key, _ in watch.select(0.5):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:
                watch.unregister(key.fileobj)
                closed += 1
                last = time.monotonic() - start
    for c in conns:
        c.close()
    print("closed %d seconds %.1f" % (closed, last), flush=True)


def post(port, path, declared, send):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    tls = context().wrap_socket(sock, server_hostname="ucm.example.com")
    tls.sendall(("POST %s HTTP/1.1\r\nHost: ucm.example.com\r\nContent-Type: text/xml\r\n"
                 "Content-Length: %d\r\n\r\n" % (path, declared)).encode())
    chunk = b"\0" * 65536
    sent = 0
    try:
        while sent < send:
            sent += tls.send(chunk[:min(len(chunk), send - sent)])
    except OSError:
        pass
    answer = b""
    try:
        while b"\r\n\r\n" not in answer:
            data = tls.recv(4096)
            if not data:
                break
            answer += data
    except OSError:
        pass
    lines = answer.split(b"\r\n")
    status = lines[0].split()[1].decode() if lines[0].startswith(b"HTTP/") else "none"
    print("status %s" % status)
    for line in lines[1:]:
        if line.lower().startswith(b"allow:"):
            print("allow %s" % line.split(b":", 1)[1].strip().decode())
    print("sent %d" % sent, flush=True)


def flood(port, count):
    ctx = context()
    for _ in range(count):
        try:
            incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
            obj = ctx.wrap_bio(incoming, outgoing, server_hostname="ucm.example.com")
            try:
                obj.do_handshake()
            except ssl.SSLWantReadError:
                pass
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(outgoing.read())
        except OSError:
            pass
    print("flooded %d" % count, flush=True)


def get(port, count, concurrency):
    ok = 0
    failed = 0
    lock = threading.Lock()
    left = [count]

    def worker():
        nonlocal ok, failed
        ctx = context()
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
                    with ctx.wrap_socket(sock, server_hostname="ucm.example.com") as tls:
                        tls.sendall(b"GET /ccmadmin HTTP/1.1\r\nHost: ucm.example.com\r\n"
                                    b"Connection: close\r\n\r\n")
                        answer = b""
                        while True:
                            data = tls.recv(65536)
                            if not data:
                                break
                            answer += data
                good = answer.startswith(b"HTTP/1.1 200") and b"certtrust-page" in answer
            except (OSError, ssl.SSLError):
                good = False
            with lock:
                if good:
                    ok += 1
                else:
                    failed += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("ok %d\nfailed %d\nseconds %.2f" % (ok, failed, time.monotonic() - start),
          flush=True)


def main():
    mode = sys.argv[1]
    port = int(sys.argv[2])
    if mode == "hold":
        hold(port, int(sys.argv[3]))
    elif mode == "idle":
        idle(port, int(sys.argv[3]), float(sys.argv[4]))
    elif mode == "post":
        post(port, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    elif mode == "flood":
        flood(port, int(sys.argv[3]))
    elif mode == "get":
        get(port, int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
