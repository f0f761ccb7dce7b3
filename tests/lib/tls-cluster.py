#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A cluster of HTTPS servers on 127.0.0.1, each with a certificate of its own made by
openssl, served by Python's ssl (OpenSSL) in one asyncio process: what a UCM cluster
(publisher and subscribers) or a lab of appliances looks like to certtrust.

  tls-cluster.py DIR COUNT [--dead N]

Makes DIR/node-I.pem and DIR/node-I.key (I = 0 .. COUNT-1: self-signed, P-256, CA:FALSE,
SAN DNS:node-I.cluster.test, IP:127.0.0.1, valid from a day ago for ten years) unless they
are there, listens on COUNT ephemeral ports, then prints one JSON line
  {"ports": [...], "certificates": [...], "sha256": [...], "dead": [...]}
(sha256 as openssl prints it: AB:CD:...) and serves until SIGTERM or SIGINT. --dead N adds N
ports where nothing listens (bound, then closed). A connection gets a TLS handshake; an
HTTP request on it gets a small page titled "node-I"; then the server hangs up.
"""
import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import sys


def make_certificate(directory, index):
    cert = os.path.join(directory, "node-%d.pem" % index)
    key = os.path.join(directory, "node-%d.key" % index)
    if not (os.path.exists(cert) and os.path.exists(key)):
        name = "node-%d.cluster.test" % index
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", key, "-out", cert, "-days", "3650", "-subj", "/CN=" + name,
             "-addext", "subjectAltName=DNS:%s,IP:127.0.0.1" % name,
             "-addext", "basicConstraints=critical,CA:FALSE",
             "-addext", "keyUsage=critical,digitalSignature"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fingerprint = subprocess.run(
        ["openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"],
        check=True, capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    return cert, key, fingerprint


def dead_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve_one(reader, writer, index):
    try:
        request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        if request.startswith(b"GET "):
            body = b"<html><head><title>node-%d</title></head><body>node</body></html>" % index
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n%s" % (len(body), body))
            await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, asyncio.LimitOverrunError,
            ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        writer.close()


async def main():
    directory = sys.argv[1]
    count = int(sys.argv[2])
    dead = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--dead" else 0
    os.makedirs(directory, exist_ok=True)
    # a client that hangs up early is no event: say nothing of it
    asyncio.get_running_loop().set_exception_handler(lambda _loop, _context: None)
    servers, ports, certificates, fingerprints = [], [], [], []
    for index in range(count):
        cert, key, fingerprint = make_certificate(directory, index)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = await asyncio.start_server(
            lambda r, w, i=index: serve_one(r, w, i), "127.0.0.1", 0, ssl=context,
            backlog=512, ssl_handshake_timeout=10)
        servers.append(server)
        ports.append(server.sockets[0].getsockname()[1])
        certificates.append(cert)
        fingerprints.append(fingerprint)
    print(json.dumps({"ports": ports, "certificates": certificates, "sha256": fingerprints,
                      "dead": [dead_port() for _ in range(dead)]}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


if __name__ == "__main__":
    asyncio.run(main())
