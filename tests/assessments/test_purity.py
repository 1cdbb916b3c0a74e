"""assessments/computation imports no Django: it runs anywhere and is tested without a
database."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "assessments" / "computation").glob("*.py")
                 if p.stem != "__init__")


def test_importing_the_computation_loads_no_django():
    code = ("import sys\n" + "".join(f"import assessments.computation.{m}\n" for m in MODULES)
            + "bad = [m for m in sys.modules if m.split('.')[0] == 'django']\n"
            + "assert not bad, bad\n")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
