"""Local authorities the platform knows, and the specified authorities that serve them.

Shipped as data (partners/data/local_authorities.csv) so that adding an area is a row,
not code. Councils are named "<area> Council" unless the row says otherwise."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "local_authorities.csv"


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    nation: str
    police_force: str
    fire_service: str
    health_board: str
    probation: str
    youth_justice: str

    @property
    def council(self) -> str:
        short = self.name.split(",")[0] if self.name.endswith(", City of") else self.name
        return f"{short} City Council" if self.name.endswith(", City of") else f"{short} Council"


@cache
def local_authorities() -> dict[str, LocalAuthority]:
    with DATA.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: LocalAuthority(**row) for row in csv.DictReader(handle)}


def force_area(force: str) -> list[str]:
    """The local authority codes a police force covers, as far as the platform knows."""
    return sorted(code for code, la in local_authorities().items() if la.police_force == force)
