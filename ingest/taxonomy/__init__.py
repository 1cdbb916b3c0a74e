"""The offence taxonomy: versioned data shipped with the project, not code.

data/offence_codes.csv         Home Office PRC offence codes (the 132 of the 2017/18 tables)
                               with offence group and subgroup as published, the platform's
                               category, the weapon type where the code says it, the coarse
                               category, the source of the group/subgroup and a note where
                               the category is a judgement.
data/offence_code_aliases.csv  other spellings of a code (the split homicide codes).
data/police_uk_crime_types.csv the 14 data.police.uk crime types and their coarse category.
data/VERSION                   bumped by hand when a mapping changes meaning.

`load_taxonomy().version` is the declared version plus a hash of the data, so an assessment
that records it can tell exactly which mapping it used, even after an edit someone forgot to
version. Coarse categories are the level where police.uk types and Home Office codes meet.
"""

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
FILES = ("offence_codes.csv", "offence_code_aliases.csv", "police_uk_crime_types.csv")

CATEGORIES = (
    "homicide",
    "attempted_murder",
    "wounding_gbh_with_intent",
    "gbh_wounding",  # GBH/wounding without intent: needs detailed codes (see 8N's note)
    "abh",
    "other_violence_with_injury",
    "violence_without_injury",
    "rape",
    "sexual_assault",
    "other_sexual_offences",
    "personal_robbery",
    "business_robbery",
    "weapon_possession",  # the type is in weapon_type where the code says it
    "public_order",
    "asb",
    "other",
)
WEAPON_TYPES = ("firearm", "blade_or_point", "other_weapon")
COARSE_CATEGORIES = (
    "violence_and_sexual_offences",
    "robbery",
    "weapon_possession",
    "public_order",
    "asb",
    "other",
)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    offences: pd.DataFrame  # one row per code, indexed by code
    aliases: pd.DataFrame  # alias -> code
    police_uk_types: pd.DataFrame  # one row per crime type, indexed by crime_type

    def resolve_code(self, raw: str) -> str | None:
        """The taxonomy's code for a code as written in an extract, or None if unknown."""
        code = normalise_offence_code(raw)
        if code in self.offences.index:
            return code
        if code in self.aliases.index:
            return str(self.aliases.at[code, "code"])
        return None

    def coarse_category_of_crime_type(self, crime_type: str) -> str | None:
        """data.police.uk crime type (any case, surrounding spaces ignored) -> coarse category."""
        key = " ".join(crime_type.split()).casefold()
        matches = self.police_uk_types[self.police_uk_types.index.str.casefold() == key]
        return None if matches.empty else str(matches["coarse_category"].iloc[0])


def normalise_offence_code(raw: str) -> str:
    """'8n ' -> '8N'; '4/3' and '37/1' (other Home Office files) -> '4.3', '37.1'."""
    code = " ".join(str(raw).split()).upper()
    if re.fullmatch(r"\d+/\d+", code):
        code = code.replace("/", ".")
    return code


def _read(name: str, key: str) -> pd.DataFrame:
    # dtype=str: codes such as "4.10" must never pass through a float.
    frame = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
    frame.index = pd.Index(frame[key].to_numpy())  # unnamed, so `key` stays a plain column
    return frame


@lru_cache(maxsize=1)
def _load() -> Taxonomy:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((DATA / name).read_bytes())
    declared = (DATA / "VERSION").read_text(encoding="utf-8").strip()
    return Taxonomy(
        version=f"{declared}+{digest.hexdigest()[:12]}",
        offences=_read("offence_codes.csv", "code"),
        aliases=_read("offence_code_aliases.csv", "alias"),
        police_uk_types=_read("police_uk_crime_types.csv", "crime_type"),
    )


def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy. Frames are copies: callers may modify them freely."""
    cached = _load()
    return Taxonomy(
        cached.version,
        cached.offences.copy(),
        cached.aliases.copy(),
        cached.police_uk_types.copy(),
    )
