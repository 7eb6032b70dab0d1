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
    try:
        with open("/data/escape", "wb") as out:
            for _ in range(1024):
                out.write(b"\0" * (1 << 20))
    except OSError as error:
        print("stopped writing /data", error)
    sys.stdout.flush()
    app.run(host="0.0.0.0", port=8000, threaded=True)
