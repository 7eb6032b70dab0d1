"""Answers every request with a status line, then one header byte a second, for ever: each
read is quick, the whole answer never comes. The probe's total deadline must end it."""

import socketserver
import time


class Drip(socketserver.StreamRequestHandler):
    def handle(self):
        self.rfile.readline()
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(3600):
            self.wfile.write(b"X")
            self.wfile.flush()
            time.sleep(1)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


Server(("0.0.0.0", 8000), Drip).serve_forever()
