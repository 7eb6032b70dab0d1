import json
import os
import socket
import sys
import time

from flask import Flask, Response, redirect

TARGET = json.load(open("/app/target.json"))["url"]

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


@app.route("/notes", methods=["GET", "POST"])
@app.route("/notes/<int:note_id>", methods=["GET", "DELETE"])
def away(note_id=None):
    return redirect(TARGET, code=307)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, threaded=True)
