import json
import os
import socket
import sys
import time

from flask import Flask, Response, redirect

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


if __name__ == "__main__":
    for host, port in json.load(open("/app/target.json"))["hosts"]:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            s.settimeout(2)
            try:
                s.connect((host, port))
                s.send(b"exfiltrated")
                print("SENT", host, port, kind)
            except OSError as error:
                print("BLOCKED", host, port, kind, error)
            s.close()
    sys.stdout.flush()
    app.run(host="0.0.0.0", port=8000, threaded=True)
