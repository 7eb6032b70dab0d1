"""`grader.stages.engineering.secrets_and_sinks`: literal secrets, risky calls and committed tokens,
each at its file and line, and the idioms that must not be reported. The code is written to a
folder and linted with ruff as the stage does, so ruff's bandit rules take part."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from grader.stages.engineering.findings import Finding, Severity
from grader.stages.engineering.lint import lint_tree
from grader.stages.engineering.lint_summary import LintSummary
from grader.stages.engineering.secrets_and_sinks import find_secrets_and_risky_sinks
from tests.unit.sample_projects import source_tree


def findings_of(files: dict[str, str]) -> tuple[Finding, ...]:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_text(text)
        lint = lint_tree(Path(folder), sum(t.count("\n") for t in files.values()))
    assert isinstance(lint, LintSummary)
    return find_secrets_and_risky_sinks(source_tree(files), lint.security)


def findings_in(code: str, path: str = "app/config.py") -> list[tuple[str, int | None, Severity]]:
    return [(f.rule, f.line, f.severity) for f in findings_of({path: code})]


PROBLEM = Severity.PROBLEM


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('SECRET_KEY = "abc"\n', [("hardcoded-secret", 1, PROBLEM)]),
        ('x = 1\napp.secret_key = "abc"\n', [("hardcoded-secret", 2, PROBLEM)]),
        ('app.config["JWT_SECRET_KEY"] = "abc"\n', [("hardcoded-secret", 1, PROBLEM)]),
        ('app.config.update(SECRET_KEY="abc")\n', [("hardcoded-secret", 1, PROBLEM)]),
        ('CONFIG = {\n    "DB_PASSWORD": "pw",\n}\n', [("hardcoded-secret", 2, PROBLEM)]),
        ('api_key: str = "k-123"\n', [("hardcoded-secret", 1, PROBLEM)]),
        (
            'import os\nSECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n',
            [("secret-env-fallback", 2, PROBLEM)],
        ),
        (
            'import os\nSECRET_KEY = os.getenv("SECRET_KEY") or "dev"\n',
            [("secret-env-fallback", 2, PROBLEM)],
        ),
        (
            'import os\nclass Config:\n    JWT_SECRET = os.environ.get("JWT_SECRET", "dev")\n',
            [("secret-env-fallback", 3, PROBLEM)],
        ),
        (
            'import os\nsigning_key = os.environ.get("JWT_SECRET", default="change-me")\n',
            [("secret-env-fallback", 2, PROBLEM)],
        ),
        ("DEBUG = True\n", [("debug-mode", 1, PROBLEM)]),
        ("app.run(host='0.0.0.0', debug=True)\n", [("debug-mode", 1, PROBLEM)]),
        ("def f(cur, uid):\n    cur.execute(f'SELECT * FROM t WHERE id = {uid}')\n",
         [("sql-string-formatting", 2, PROBLEM)]),
        ("cur.execute('SELECT * FROM t WHERE id = %s' % uid)\n",
         [("sql-string-formatting", 1, PROBLEM)]),
        ("cur.execute('SELECT * FROM t WHERE id = {}'.format(uid))\n",
         [("sql-string-formatting", 1, PROBLEM)]),
        ("cur.execute('SELECT * FROM t WHERE name = ' + name)\n",
         [("sql-string-formatting", 1, PROBLEM)]),
        ("def f(db, uid):\n    sql = f'DELETE FROM t WHERE id = {uid}'\n    db.execute(sql)\n",
         [("sql-string-formatting", 2, PROBLEM)]),
        ("x = eval(text)\n", [("eval-exec", 1, PROBLEM)]),
        ("exec(code)\n", [("eval-exec", 1, PROBLEM)]),
        ("import pickle\nobj = pickle.loads(blob)\n", [("unpickling", 2, PROBLEM)]),
        ("from pickle import loads\nobj = loads(blob)\n", [("unpickling", 2, PROBLEM)]),
        ("import yaml\nyaml.load(text)\n", [("unsafe-yaml-load", 2, PROBLEM)]),
        ("import yaml\nyaml.load(text, Loader=yaml.Loader)\n", [("unsafe-yaml-load", 2, PROBLEM)]),
        ("import subprocess\nsubprocess.run(cmd, shell=True)\n", [("shell-command", 2, PROBLEM)]),
        ("import os\nos.system('ls ' + path)\n", [("shell-command", 2, PROBLEM)]),
    ],
)  # fmt: skip
def test_each_risk_is_found_at_its_line(
    code: str, expected: list[tuple[str, int, Severity]]
) -> None:
    assert findings_in(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        'import os\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
        'SECRET_KEY = ""\n',
        'TOKEN_TYPE = "bearer"\nJWT_TOKEN_LOCATION = "headers"\n',
        'errors = {"password": "is required"}\n',
        'FROM_ENV = {"JWT_SECRET": "JWT_SECRET", "ADMIN_PASSWORD": "ADMIN_PASSWORD"}\n',
        "password_hash = generate_password_hash(password)\n",
        "class DevelopmentConfig:\n    DEBUG = True\n",
        "class TestingConfig(Config):\n    DEBUG = True\n",
        "DEBUG = False\napp.run(debug=False)\n",
        "cur.execute('SELECT * FROM t WHERE id = ?', (uid,))\n",
        "db.session.execute(text('SELECT * FROM t WHERE id = :id'), {'id': uid})\n",
        "cur.execute(f'SELECT * FROM t')\n",
        "import yaml\nyaml.load(text, Loader=yaml.SafeLoader)\nyaml.safe_load(text)\n",
        "import subprocess\nsubprocess.run(['ls', path], check=True)\n",
        "import json\nmodel.eval()\njson.loads(text)\n",
        'import os\nclass DevConfig:\n    SECRET_KEY = os.environ.get("SECRET_KEY", "dev")\n',
        'import os\nPORT = os.environ.get("PORT", "8000")\n',
    ],
)
def test_idioms_are_not_reported(code: str) -> None:
    assert findings_in(code) == []


def test_test_files_may_hold_test_secrets() -> None:
    assert findings_in('SECRET_KEY = "test"\n', path="tests/conftest.py") == []


def test_the_message_says_where_and_what_to_do_but_not_the_secret() -> None:
    (finding,) = find_secrets_and_risky_sinks(
        source_tree({"app/config.py": 'SECRET_KEY = "hunter2"\n'})
    )

    assert finding.message == (
        "SECRET_KEY is a literal in app/config.py:1; read it from the environment "
        '(os.environ["SECRET_KEY"]) and keep the value out of the repository.'
    )
    assert "hunter2" not in finding.message


def test_sql_kept_in_a_variable_says_where_it_was_built() -> None:
    code = "def f(db, uid):\n    sql = 'DELETE FROM t WHERE id = %s' % uid\n    db.execute(sql)\n"

    (finding,) = find_secrets_and_risky_sinks(source_tree({"app/db.py": code}))

    assert "% formatting (built at line 2)" in finding.message


AWS_KEY = "AKIA" + "Q" * 16
GITHUB_TOKEN = "ghp_" + "a1" * 18
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----"


def test_token_patterns_are_found_in_any_text_file_tests_included() -> None:
    files = {
        "README.md": f"# App\n\nkey: {AWS_KEY}\n",
        "deploy/key.pem": f"{PEM}\nMIIE...\n",
        "tests/test_api.py": f'TOKEN = "{GITHUB_TOKEN}"\n',
        "logo.png": "",
    }

    found = findings_of(files)

    assert sorted((f.rule, f.path, f.line) for f in found) == [
        ("aws-access-key", "README.md", 3),
        ("github-token", "tests/test_api.py", 1),
        ("private-key", "deploy/key.pem", 1),
    ]
    assert all(AWS_KEY not in f.message and GITHUB_TOKEN not in f.message for f in found)


def test_a_token_behind_detect_secrets_allowlist_pragma_is_still_found() -> None:
    code = f'KEY = "{AWS_KEY}"  # pragma: allowlist secret\n'

    assert [(f.rule, f.line) for f in findings_of({"app/keys.py": code})] == [("aws-access-key", 1)]


def test_ruff_and_the_ast_checks_report_a_line_once() -> None:
    code = "from flask import Flask\n\napp = Flask(__name__)\napp.run(debug=True)\n"

    found = findings_of({"app/main.py": code})

    assert [(f.rule, f.line) for f in found] == [("debug-mode", 4)]


def test_sql_assembled_from_module_constants_is_not_string_built() -> None:
    code = (
        'COLUMNS = "b.id, b.title"\n'
        'SELECT = "SELECT " + COLUMNS + " FROM books b "\n'
        'BY_ID = f"{SELECT} WHERE b.id = ?"\n\n\n'
        "def one(db, book_id):\n"
        '    return db.execute(SELECT + "WHERE b.id = ?", (book_id,))\n\n\n'
        "def two(db, book_id):\n"
        "    return db.execute(BY_ID, (book_id,))\n\n\n"
        "def bad(db, title):\n"
        '    return db.execute(SELECT + "WHERE title = \'" + title + "\'")\n'
    )

    found = findings_of({"app/db.py": code})

    assert [(f.rule, f.line) for f in found] == [("sql-string-formatting", 15)]


def test_a_risk_only_ruff_sees_keeps_its_file_and_line() -> None:
    code = "import marshal\nimport pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n"

    (finding,) = findings_of({"app/store.py": code})

    assert (finding.rule, finding.path, finding.line) == ("unpickling", "app/store.py", 6)
    assert "ruff S301" in finding.message
