"""The code version recorded with every assessment: the package version and, in a git
checkout, the commit (read from .git without running git)."""

from functools import cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@cache
def code_version() -> str:
    try:
        version = metadata.version("svd-platform")
    except metadata.PackageNotFoundError:
        version = "0"
    commit = _git_commit(ROOT / ".git")
    return f"{version}+{commit[:12]}" if commit else version


def _git_commit(git: Path) -> str:
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        loose = git / ref
        if loose.exists():
            return loose.read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0]
    except OSError:
        pass
    return ""
