"""Listens on 127.0.0.1 only, where nothing outside the container reaches it."""

import http.server

http.server.ThreadingHTTPServer(("127.0.0.1", 8000), http.server.SimpleHTTPRequestHandler).serve_forever()
