"""Answers /health; any other request kills the process before it answers."""

import os
import socketserver


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline()
        if line.startswith(b"GET /health "):
            body = b'{"status": "ok"}'
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
            return
        os._exit(1)


class Server(socketserver.TCPServer):
    allow_reuse_address = True


Server(("0.0.0.0", 8000), Handler).serve_forever()
