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
    app.run(host="0.0.0.0", port=5000)
