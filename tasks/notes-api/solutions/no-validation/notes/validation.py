"""Checking what a client sends (defect: nothing is checked)."""


def read_new_note(request):
    data = request.get_json(silent=True) or {}
    return data.get("title"), data.get("body", "")
