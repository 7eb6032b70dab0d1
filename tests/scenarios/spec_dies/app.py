"""An app that dies in the middle of the fuzz stage: the first POST /items ends the process."""

import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/items")
def list_items():
    return jsonify([])


@app.post("/items")
def create_item():
    os._exit(3)  # the whole server goes, not only this worker


@app.get("/items/<int:item_id>")
def get_item(item_id):
    return jsonify({"error": "no such item"}), 404
