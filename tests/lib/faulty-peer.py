#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A TCP peer on 127.0.0.1 that misbehaves on purpose, for certtrust's fault tests.

faulty-peer.py MODE: prints the port it listens on, then serves until killed.
  reset    accept, then close with RST (SO_LINGER 0) as soon as the client speaks
  garbage  accept, read the ClientHello, answer with bytes that are not TLS
  silent   accept and never say anything
  http     answer like a plain-HTTP server
"""
import socket
import struct
import sys
import threading


def serve(conn, mode):
    try:
        if mode == "silent":
            # read what the client says, answer nothing, until it hangs up (no sleep: a
            # faked clock, libfaketime, may end a sleep at once)
            while conn.recv(4096):
                pass
            return
        conn.settimeout(10)
        conn.recv(4096)
        if mode == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "garbage":
            conn.sendall(b"\x00garbage, not TLS\r\n" * 64)
        elif mode == "http":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode = sys.argv[1]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
