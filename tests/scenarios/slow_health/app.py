import time

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    time.sleep(30)  # accepts the connection, never answers in time
    return {"status": "ok"}
