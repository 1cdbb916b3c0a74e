"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib, so no system gettext is needed.

The .mo files are committed: running the platform needs no compile step."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_all() -> list[Path]:
    written = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po_file = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        po_file.save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(LOCALE.parent)}")
