"""The offence mix and the per-offence shapes of the synthetic police extract.

Invented, but shaped after the published England and Wales picture (ONS Crime in England
and Wales, police recorded crime, and the patterns DOMAIN.md cites from real SNAs):
violence without injury is the commonest violence, then violence with injury, stalking and
harassment, public order, sexual offences, robbery, weapon possession; homicide is rare.
Roughly 30% of violence is flagged domestic abuse; 2-5% of violence is knife-flagged,
more of robbery and GBH with intent. Sexual offences are often recorded long after.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    da: float  # share flagged domestic abuse
    alcohol: float
    drugs: float
    firearm: float
    non_recent: float  # share recorded a year or more after it was committed
    victim: float  # share with a victim recorded (possession offences have none)
    suspect: float  # share with a suspect identified
    victim_female: float  # where the offence code does not say
    suspect_male: float


GROUPS = {
    "homicide": Group(0.20, 0.25, 0.15, 0.05, 0.0, 1.0, 0.90, 0.30, 0.90),
    "violence": Group(0.33, 0.22, 0.05, 0.002, 0.004, 1.0, 0.84, 0.42, 0.80),
    "harassment": Group(0.45, 0.05, 0.02, 0.0, 0.01, 1.0, 0.90, 0.68, 0.75),
    "public_order": Group(0.10, 0.30, 0.05, 0.001, 0.002, 0.55, 0.80, 0.45, 0.82),
    "sexual": Group(0.25, 0.15, 0.04, 0.0, 0.12, 1.0, 0.85, 0.88, 0.97),
    "robbery": Group(0.02, 0.08, 0.10, 0.01, 0.0, 1.0, 0.50, 0.28, 0.90),
    "weapons": Group(0.01, 0.05, 0.22, 0.0, 0.0, 0.0, 1.0, 0.50, 0.92),
}


@dataclass(frozen=True)
class Offence:
    code: str  # as a force writes it ("1" for murder: an alias the taxonomy resolves)
    weight: float  # per mille of the extract, before trends
    group: str
    knife: float = 0.0  # share knife-flagged
    da: float | None = None  # overrides the group's share
    victim_ages: tuple[int, int] | None = None  # the code's own age limits
    victim_sex: str | None = None  # "female" / "male" where the code says
    trend: float = 1.0  # yearly factor on the weight (0.93: -7% a year)
    non_recent: float | None = None
    description: str | None = None  # where the taxonomy's is not the force's wording


SEXUAL_ASSAULT_TREND = 0.93  # -7% a year
KNIFE_TREND = 1.10  # +10% a year, on knife flags and possession of blades

OFFENCES = (
    Offence("1", 0.25, "homicide", knife=0.38, description="Murder"),
    Offence("4.1", 0.05, "homicide", knife=0.2, description="Manslaughter"),
    Offence("2", 0.6, "violence", knife=0.5, da=0.12),
    Offence("5D", 18, "violence", knife=0.22, da=0.15),
    Offence("5E", 1, "violence", knife=0.05, da=0.1),
    Offence("8N", 160, "violence", knife=0.03, da=0.36),
    Offence("8P", 4, "violence", knife=0.02, da=0.02),
    Offence("8S", 5, "violence", da=0.0),
    Offence("4.4", 1, "violence", da=0.0),
    Offence("105A", 220, "violence", knife=0.008, da=0.36),
    Offence("105B", 10, "violence", da=0.02),
    Offence("104", 20, "violence", da=0.0),
    Offence("3B", 20, "violence", knife=0.08, da=0.45),
    Offence("11A", 8, "violence", da=0.5, victim_ages=(0, 15)),
    Offence("36", 2, "violence", knife=0.05, da=0.3),
    Offence("106", 1.5, "violence", da=0.05),
    Offence("8L", 80, "harassment"),
    Offence("8M", 5, "harassment", da=0.03),
    Offence("8Q", 30, "harassment", da=0.65),
    Offence("8R", 70, "harassment", da=0.35),
    Offence("9A", 120, "public_order"),
    Offence("9B", 15, "public_order", da=0.02),
    Offence("62A", 2, "public_order", knife=0.05, da=0.0),
    Offence("19C", 18, "sexual", knife=0.01, victim_ages=(16, 90), victim_sex="female",
            da=0.4, non_recent=0.22),
    Offence("19D", 4, "sexual", victim_ages=(13, 15), victim_sex="female", non_recent=0.3),
    Offence("19E", 2, "sexual", victim_ages=(2, 12), victim_sex="female", non_recent=0.4),
    Offence("19F", 1, "sexual", victim_ages=(16, 90), victim_sex="male", non_recent=0.25),
    Offence("19G", 0.5, "sexual", victim_ages=(13, 15), victim_sex="male", non_recent=0.35),
    Offence("19H", 0.5, "sexual", victim_ages=(2, 12), victim_sex="male", non_recent=0.4),
    Offence("20A", 26, "sexual", victim_ages=(13, 90), victim_sex="female",
            trend=SEXUAL_ASSAULT_TREND, da=0.12),
    Offence("20B", 3, "sexual", victim_ages=(2, 12), victim_sex="female",
            trend=SEXUAL_ASSAULT_TREND, non_recent=0.35),
    Offence("17A", 3, "sexual", victim_ages=(13, 90), victim_sex="male",
            trend=SEXUAL_ASSAULT_TREND),
    Offence("17B", 1, "sexual", victim_ages=(2, 12), victim_sex="male",
            trend=SEXUAL_ASSAULT_TREND, non_recent=0.35),
    Offence("21", 3, "sexual", victim_ages=(2, 12), da=0.3, non_recent=0.35),
    Offence("22A", 3, "sexual"),
    Offence("22B", 4, "sexual", victim_ages=(13, 15), da=0.05),
    Offence("88A", 2, "sexual", victim_ages=(10, 15), da=0.0),
    Offence("88E", 10, "sexual", da=0.03, non_recent=0.02),
    Offence("71", 1.5, "sexual", victim_ages=(12, 17), da=0.05, non_recent=0.2),
    Offence("34B", 34, "robbery", knife=0.15),
    Offence("34A", 4, "robbery", knife=0.12),
    Offence("10D", 14, "weapons", knife=0.95, trend=KNIFE_TREND),
    Offence("10C", 6, "weapons"),
    Offence("10A", 0.6, "weapons"),
    Offence("10B", 1.2, "weapons"),
    Offence("81", 0.8, "weapons"),
    Offence("90", 0.8, "weapons", knife=1.0),
)  # fmt: skip
FIREARM_CODES = {"10A", "10B", "81"}
HATE_CODES = {"8M", "8P", "9B", "105B"}
BUSINESS_ROBBERY = "34A"
