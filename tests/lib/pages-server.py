#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An HTTPS server on 127.0.0.1 written with Python's ssl and http.server (not certtrust's),
with the pages a real server may show a browser, for certtrust verify's tests.

pages-server.py CERT KEY: prints the port it listens on, then serves until killed.
  /                    a page titled "Pages server" that says "python pages server"
  /no-title            a page without a title
  /missing             404 Not Found
  /broken              500 Internal Server Error
  /redirect-same       302 to /no-title on this server
  /redirect?to=URL     302 to URL (another origin)
  /never               headers and half a page, then nothing until the client hangs up
  /endless             a titled page whose body never ends (until the client hangs up)
  /alert /confirm /prompt /popup /beforeunload
                       pages that call alert(), confirm(), prompt(), open popups or set
                       beforeunload as they load
"""
import http.server
import socketserver
import ssl
import sys
import urllib.parse

PAGE = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8">%s</head>
<body><p>python pages server: %s</p>%s</body></html>
"""

SCRIPTS = {
    "/alert": "alert('hello from the page');",
    "/confirm": "confirm('really?');",
    "/prompt": "prompt('your name?');",
    "/popup": "window.open('/', '_blank'); window.open('/no-title', 'second');",
    "/beforeunload": "window.addEventListener('beforeunload', e => {"
    " e.preventDefault(); e.returnValue = 'stay'; return 'stay'; });"
    " document.body.click();",
}


def page(title, text, script=""):
    head = b"<title>%s</title>" % title.encode() if title is not None else b""
    body = b"<script>%s</script>" % script.encode() if script else b""
    return PAGE % (head, text.encode(), body)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_page(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        if path == "/":
            self.send_page(200, page("Pages server", "home"))
        elif path == "/no-title":
            self.send_page(200, page(None, "a page without a title"))
        elif path == "/missing":
            self.send_page(404, page("Not Found", "no such page"))
        elif path == "/broken":
            self.send_page(500, page("Internal Server Error", "it broke"))
        elif path == "/redirect-same":
            self.send_page(302, b"", [("Location", "/no-title")])
        elif path == "/redirect":
            target = urllib.parse.parse_qs(url.query).get("to", ["/"])[0]
            self.send_page(302, b"", [("Location", target)])
        elif path == "/never":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><head><title>Never</title></head><body>half a page")
            self.wfile.flush()
            # no sleep (a faked clock may end it at once): wait for the client to go
            try:
                while self.rfile.read(1):
                    pass
            except OSError:
                pass
            self.close_connection = True
        elif path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"<html><head><title>Endless</title></head><body>")
            chunk = b"<p>more</p>" * 6000
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
        elif path in SCRIPTS:
            self.send_page(200, page("Hostile " + path[1:], path[1:], SCRIPTS[path]))
        else:
            self.send_page(404, page("Not Found", "no such page"))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, context):
        super().__init__(("127.0.0.1", 0), Handler)
        self.context = context

    def get_request(self):
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass


def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    server = Server(context)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
