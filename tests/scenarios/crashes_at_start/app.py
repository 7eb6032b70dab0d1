import os

from flask import Flask

if "DATABASE_URL" not in os.environ:
    raise RuntimeError("DATABASE_URL is not configured")

app = Flask(__name__)
