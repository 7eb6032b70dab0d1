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
def endless(note_id=None):
    def forever():
        chunk = b"x" * 65536
        while True:
            yield chunk

    return Response(forever(), mimetype="application/json")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, threaded=True)
