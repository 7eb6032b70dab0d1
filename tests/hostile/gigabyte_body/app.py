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


@app.route("/notes", methods=["GET", "POST"])
@app.route("/notes/<int:note_id>", methods=["GET", "DELETE"])
def huge(note_id=None):
    chunk = b"x" * (1 << 20)
    return Response((chunk for _ in range(1024)), mimetype="application/json",
            headers={"Content-Length": str(1 << 30)})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, threaded=True)
