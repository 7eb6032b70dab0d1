"""The corpus measurement's own parts: its files are complete, and a reported 5xx is sorted into
the class its request carries and matched to the hand-found list (bench/spec_corpus.py)."""

from __future__ import annotations

import http.server
import importlib.util
import sys
import threading
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_corpus", REPO / "bench" / "spec_corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_corpus"] = module
    spec.loader.exec_module(module)
    return module


corpus = _load()
APP_FOLDERS = sorted(p for p in corpus.APPS.iterdir() if (p / "SOURCE.toml").is_file())


def test_the_corpus_has_at_least_eight_apps_each_with_source_licence_and_bugs() -> None:
    assert len(APP_FOLDERS) >= 8
    for folder in APP_FOLDERS:
        source = tomllib.loads((folder / "SOURCE.toml").read_text())
        assert source["repo"].count("/") == 1, folder.name
        assert len(source["commit"]) == 40, folder.name
        assert (folder / "LICENSE").is_file(), folder.name
        app = corpus.load_app(folder)
        assert app.spec, folder.name
        for bug in app.bugs:
            assert bug.bug_class in corpus.PRECEDENCE or bug.bug_class in corpus.SAME_CLASS
            assert bug.request.count("curl") >= 1


@pytest.mark.parametrize("folder", APP_FOLDERS, ids=lambda p: p.name)
def test_auth_files_name_their_steps_and_token(folder: Path) -> None:
    app = corpus.load_app(folder)
    if app.auth is None:
        return
    auth = tomllib.loads(app.auth.read_text())
    assert auth["steps"]
    assert all(step["path"].startswith("/") for step in auth["steps"])
    assert "token_pointer" in auth
    assert "scheme" in auth


@pytest.mark.parametrize(
    "folder",
    [p for p in APP_FOLDERS if not corpus.load_app(p).spec.startswith("/")],
    ids=lambda p: p.name,
)
def test_hand_found_operations_are_operations_of_the_document(folder: Path) -> None:
    app = corpus.load_app(folder)
    document = yaml.safe_load((folder / app.spec).read_text())
    known = {
        corpus.normalise(f"{method} {path}", "")
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "put", "post", "patch", "delete")
    }
    for bug in app.bugs:
        for operation in bug.operations:
            assert corpus.normalise(operation, app.base_path) in known, (bug.id, operation)


def _sent(body: bytes | None, url: str = "http://h/things", **headers: str) -> object:
    return corpus.SentRequest("POST", url, {k.lower(): v for k, v in headers.items()}, body)


SCHEMA = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
}


@pytest.mark.parametrize(
    ("body", "url", "first"),
    [
        (b'{"name": "\\ud800"}', "http://h/things", "lone-surrogate"),
        (b'{"name": "\\ud83d\\ude00"}', "http://h/things", "valid-input"),  # a pair is fine
        (b'{"name": "a"}', "http://h/things/9223372036854775808", "big-int"),
        (b'{"name": "a", "size": 99999999999999999999}', "http://h/things", "big-int"),
        (b'{"name": "a", "size": 9223372036854775807}', "http://h/things", "valid-input"),
        (b"[1]", "http://h/things", "non-object-body"),
        (b"null", "http://h/things", "non-object-body"),
        (b'{"size": 1}', "http://h/things", "missing-field"),
        (b'{"name": 1}', "http://h/things", "wrong-type"),
        (b'{"name": "a", "other": 1}', "http://h/things", "extra-property"),
        (
            b'{"name": "a", "x": ' + b"[" * 200 + b"]" * 200 + b"}",
            "http://h/things",
            "deep-nesting",
        ),
    ],
)
def test_a_request_is_sorted_into_the_class_it_carries(body: bytes, url: str, first: str) -> None:
    classes = corpus.classify(_sent(body, url), SCHEMA, "POST /things")
    assert classes[0] == first


def test_nul_bytes_and_bytes_that_are_not_json_are_classes_of_their_own() -> None:
    json_type = {"Content-Type": "application/json"}
    nul = corpus.classify(_sent(b'{"name": "a\\u0000b"}', **json_type), SCHEMA, "POST /things")
    broken = corpus.classify(_sent(b"\xff\x00", **json_type), SCHEMA, "POST /things")
    assert nul[0] == "nul-byte"
    assert broken[0] == "not-json"


def test_a_bodiless_request_to_an_id_is_an_unknown_id_and_a_big_one_both() -> None:
    small = corpus.SentRequest("DELETE", "http://h/things/7", {}, None)
    big = corpus.SentRequest("DELETE", "http://h/things/9223372036854775808", {}, None)
    assert corpus.classify(small, None, "DELETE /things/{id}") == ("unknown-id",)
    assert corpus.classify(big, None, "DELETE /things/{id}") == ("big-int", "unknown-id")


def test_a_malformed_bearer_token_is_an_invalid_token_and_an_issued_one_is_not() -> None:
    bad = corpus.SentRequest("GET", "http://h/secret", {"authorization": "Bearer a.b.c"}, None)
    jwt = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
    good = corpus.SentRequest("GET", "http://h/secret", {"authorization": jwt}, None)
    assert "invalid-token" in corpus.classify(bad, None, "GET /secret")
    assert corpus.classify(good, None, "GET /secret") == ("valid-input",)


def _app(bugs: list[tuple[str, str, tuple[str, ...]]], base_path: str = "") -> object:
    return corpus.AppConfig(
        name="x",
        folder=Path("."),
        spec="/openapi.json",
        base_path=base_path,
        health_path="",
        auth=None,
        env={},
        start="",
        zero_config_flags=0,
        bugs=tuple(corpus.HandBug(i, c, ops, "curl") for i, c, ops in bugs),
    )


def test_a_reported_bug_matches_the_hand_class_of_its_operation_under_the_base_path() -> None:
    app = _app(
        [("B1", "big-int", ("GET /api/users/{id}",)), ("B2", "unknown-id", ("DELETE /api/a/{x}",))],
        base_path="/api",
    )
    big = corpus.Reported("GET /users/{user_id}", "", "500", "", classes=("big-int", "unknown-id"))
    unknown = corpus.Reported("DELETE /api/a/{slug}", "", "500", "", classes=("unknown-id",))
    elsewhere = corpus.Reported("GET /api/other/{id}", "", "500", "", classes=("big-int",))
    assert corpus.match(app, big) == "B1"
    assert corpus.match(app, unknown) == "B2"
    assert corpus.match(app, elsewhere) == ""


def test_a_class_the_request_does_not_carry_is_not_credited() -> None:
    app = _app([("B1", "lone-surrogate", ("POST /pets",))])
    reported = corpus.Reported("POST /pets", "", "500", "", classes=("deep-nesting",))
    assert corpus.match(app, reported) == ""


def test_a_curl_line_is_read_as_bash_reads_it(tmp_path: Path) -> None:
    line = (
        "curl -i -X POST -H 'Content-Type: application/json' "
        '--data-binary $\'{"a": "\\xed\\xa0\\x80"}\' "${BASE_URL:-http://localhost:8000}"/pets'
    )
    sent = corpus.parse_curl(line, tmp_path)
    assert sent is not None
    assert sent.method == "POST"
    assert sent.url == "http://h/pets"
    assert sent.body == b'{"a": "\xed\xa0\x80"}'
    assert corpus.classify(sent, None, "POST /pets")[0] == "lone-surrogate"


def test_a_body_kept_in_a_file_is_read_from_the_result_folder(tmp_path: Path) -> None:
    (tmp_path / "fuzz-bodies").mkdir()
    (tmp_path / "fuzz-bodies" / "c1.body").write_bytes(b'{"a": "x\x00y"}')
    line = 'curl -i -X PUT --data-binary @fuzz-bodies/c1.body "${BASE_URL:-http://x}"/pets/1'
    sent = corpus.parse_curl(line, tmp_path)
    assert sent is not None
    assert sent.body == b'{"a": "x\x00y"}'


def test_a_repeated_create_is_credited_by_the_graders_label_and_said_so(tmp_path: Path) -> None:
    app = _app([("B4", "duplicate-unique", ("POST /articles",))])
    line = 'curl -i -X POST --data-binary \'{"title": "T"}\' "${BASE_URL:-http://x}"/articles'
    reported = corpus.Reported("POST /articles", "", "500", line, battery="same-value-twice")
    figures = corpus.AppFigures("x", reported=[reported])
    corpus.sort_reported(app, figures, tmp_path)
    assert reported.matches == "B4"
    assert reported.by_label_only == "duplicate-unique"
    assert figures.found == ["B4"]


class _Answers(http.server.BaseHTTPRequestHandler):
    """500 to the login's token, 401 to any other."""

    def do_GET(self) -> None:
        self.send_response(500 if self.headers.get("Authorization") == "Bearer t0k" else 401)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_curl_line_is_sent_again_with_the_logins_token_and_a_made_up_one_as_it_is(
    tmp_path: Path,
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with_token = 'curl -i -X GET -H "Authorization: Bearer $TOKEN" "${BASE_URL:-x}"/secret'
        made_up = "curl -i -X GET -H 'Authorization: Bearer a.b.c' \"${BASE_URL:-x}\"/secret"
        assert corpus.replay(with_token, base, "Bearer t0k", tmp_path, twice=False) == "500"
        assert corpus.replay(made_up, base, "Bearer t0k", tmp_path, twice=False) == "401"
    finally:
        server.shutdown()
        server.server_close()
