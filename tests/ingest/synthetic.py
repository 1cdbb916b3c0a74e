"""A generated, depersonalised police occurrence extract (no real data, no identifiers).

Shaped like the extracts DOMAIN.md describes: pseudonymised 10-digit references (about one
in eleven passes the NHS Modulus 11 check by chance), dates committed and recorded, offence
codes, LSOAs, flags, victim and suspect age/sex/ethnicity, free-text modus operandi.
Used to check the scanner raises no false alarms, and to time it at scale."""

import numpy as np
import pandas as pd

MO_TEXTS = [
    "Victim punched in the face outside a takeaway after an argument",
    "Suspect threatened the victim with a bottle on Station Road",
    "Unknown suspect took a phone from the victim near the bus station at 23:00",
    "Two males fought in the street, both injured, one taken to A&E",
    "Victim assaulted at home, DA flagged, suspect left before police arrived",
    "Knife seen, no injury, incident 2023/0412 linked",
]


def occurrence_extract(rows: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> np.ndarray:
        return np.asarray(values, dtype=object)[rng.integers(0, len(values), rows)]

    committed = np.datetime64("2019-04-01") + rng.integers(0, 5 * 365, rows).astype(
        "timedelta64[D]"
    )
    recorded = committed + rng.integers(0, 30, rows).astype("timedelta64[D]")
    columns = {
        "Occurrence reference": rng.integers(10**9, 10**10, rows).astype(str),
        "Crime number": np.char.add("CR-", rng.integers(0, 10**8, rows).astype(str)),
        "Date committed": np.datetime_as_string(committed),
        "Date recorded": np.datetime_as_string(recorded),
        "Time committed": pick([f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 15, 30, 45)]),
        "HO offence code": pick(["8N", "105A", "5D", "34B", "19C", "10D", "9A", "8L", "58A", "46"]),
        "Offence description": pick(["Assault with injury", "Assault without injury", "Robbery"]),
        "LSOA code": pick([f"E0{10**7 + i}" for i in range(3000)]),
        "Ward name": pick([f"Ward {i}" for i in range(300)]),
        "Beat": pick([f"BT{i:03d}" for i in range(120)]),
        "Location type": pick(["Public place", "Dwelling", "Licensed premises", "Retail"]),
        "DA flag": pick(["Y", "N"]),
        "Knife flag": pick(["Y", "N"]),
        "Alcohol flag": pick(["Y", "N"]),
        "Drugs flag": pick(["Y", "N"]),
        "Victim age": pick([str(i) for i in range(100)]),
        "Victim sex": pick(["M", "F", "U"]),
        "Victim ethnicity": pick(["W1", "W2", "B1", "A1", "O9", ""]),
        "Suspect age": pick([str(i) for i in range(10, 80)] + [""]),
        "Suspect sex": pick(["M", "F", ""]),
        "Suspect ethnicity": pick(["W1", "B2", "A3", ""]),
        "Outcome": pick(["Charged", "Outcome 15", "Outcome 16", "Outcome 22"]),
        "MO text": pick(MO_TEXTS),
        "Postcode district": pick(["BH1", "BH2", "BS8", "TA1", "BA2"]),
        "Latitude": np.round(rng.uniform(50.5, 51.5, rows), 6).astype(str),
    }
    frame = pd.DataFrame({name: pd.Series(values, dtype=str) for name, values in columns.items()})
    frame.index = pd.RangeIndex(1, rows + 1, name="row")
    return frame
