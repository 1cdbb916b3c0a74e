"""ingest/parsers and ingest/taxonomy import no Django, so they run anywhere (a worker, a
notebook, a bench script) and are tested without a database."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = [ROOT / "ingest" / "parsers", ROOT / "ingest" / "taxonomy"]


def test_no_django_import_in_the_source():
    for package in PURE:
        for path in package.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                assert not any(n.split(".")[0] == "django" for n in names), path


def test_importing_everything_loads_no_django():
    modules = ["reading", "pii", "police_uk_street", "registry"]
    code = (
        "import sys\n"
        + "".join(f"import ingest.parsers.{m}\n" for m in modules)
        + "import ingest.taxonomy\n"
        + "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
