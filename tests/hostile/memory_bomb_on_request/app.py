import json
import os
import socket
import sys
import time

from flask import Flask, Response, redirect

HOG = []

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}



@app.route("/notes", methods=["GET", "POST"])
def notes():
    while True:
        HOG.append(bytearray(16 << 20))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, threaded=True)
