#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# a browser that will not stop: it offers a DevTools endpoint on loopback as Chromium does,
# takes the WebSocket connection, answers nothing, ignores SIGINT, SIGTERM and SIGHUP and
# starts a child of its own (in its process group) that does the same; so a clean-up that
# waits for it takes its whole grace periods. $STUBBORN_PIDS gets one pid a line.
import base64
import hashlib
import os
import signal
import socket
import sys
import time

for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(number, signal.SIG_IGN)

if os.fork() == 0:
    while True:
        time.sleep(60)

with open(os.environ["STUBBORN_PIDS"], "a") as pids:
    pids.write("%d\n" % os.getpid())

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4)
port = listener.getsockname()[1]
print("DevTools listening on ws://127.0.0.1:%d/devtools/browser/stubborn" % port,
      file=sys.stderr, flush=True)

connections = []
while True:
    connection, _ = listener.accept()
    connections.append(connection)
    request = b""
    while b"\r\n\r\n" not in request:
        data = connection.recv(4096)
        if not data:
            break
        request += data
    key = b""
    for line in request.split(b"\r\n"):
        if line.lower().startswith(b"sec-websocket-key:"):
            key = line.split(b":", 1)[1].strip()
    accept = base64.b64encode(
        hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
    connection.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
