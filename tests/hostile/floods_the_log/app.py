import sys
import threading

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health():
    return {"status": "ok"}


def flood():
    line = "x" * 1023 + "\n"
    for _ in range(1024 * 1024):  # 1 GiB, while it serves
        sys.stdout.write(line)
    sys.stdout.flush()


if __name__ == "__main__":
    threading.Thread(target=flood, daemon=True).start()
    app.run(host="0.0.0.0", port=8000, threaded=True)
