from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def health():
    return {"status": "ok"}
