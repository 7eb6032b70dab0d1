"""Notes kept in SQLite, shared by every worker process."""

import sqlite3


class NoteStore:
    def __init__(self, path):
        self.path = path
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS notes ("
                "id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, body TEXT NOT NULL)"
            )

    def _connect(self):
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def add(self, title, body):
        with self._connect() as db:
            cursor = db.execute("INSERT INTO notes (title, body) VALUES (?, ?)", (title, body))
            return {"id": cursor.lastrowid, "title": title, "body": body}

    def get(self, note_id):
        with self._connect() as db:
            row = db.execute("SELECT id, title, body FROM notes WHERE id = ?", (note_id,)).fetchone()
        return dict(row) if row else None

    def all(self):
        with self._connect() as db:
            return [dict(r) for r in db.execute("SELECT id, title, body FROM notes ORDER BY id")]

    def delete(self, note_id):
        with self._connect() as db:
            return db.execute("DELETE FROM notes WHERE id = ?", (note_id,)).rowcount > 0
