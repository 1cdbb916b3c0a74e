"""One measured assessment, in a process of its own so that its peak memory is its own.

    python -m bench.assess SPEC.json RESULT.json

SPEC names a partnership, a financial year (2023 = 2023/24) and a definition preset. The
assessment runs through the platform's own path, as the worker does (services.assessment_start
with enqueue=False, services.claim, services.run: read from PostgreSQL, apply the definition,
every analysis, harm, priorities, findings, store the snapshot), timed per stage through the
progress callback.

With "core": true it then times the core aggregates (offences by category x financial year,
by ward, by victim age band) as the assessment computes them: read from PostgreSQL by the
selector (COPY out, parsed by pandas), then grouped by pandas; and DuckDB computing the same
three aggregates from the same rows, exported once by PostgreSQL to a CSV file (DuckDB's
time includes reading that file). Each side is the median of three runs.
"""

import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from .load import status_kb

REPEATS = 3
AGE_BANDS = [0, 10, 18, 25, 35, 45, 55, 65, 200]


def _assess(spec: dict) -> dict:
    from assessments import services
    from partners.models import Partnership

    partnership = Partnership.objects.get(slug=spec["partnership"])
    year = f"{spec['year']}/{(spec['year'] + 1) % 100:02d}"
    definition = services.definition_from_preset(partnership=partnership, financial_year=year,
                                                 key=spec["preset"])
    stages: dict[str, float] = {}
    current = {"stage": "reading", "since": 0.0}
    original_compute = services.engine.compute

    def compute(*args, **kwargs):
        report = kwargs.pop("progress")

        def progress(stage, percent):
            # A stage lasts until the next one is announced.
            now = time.perf_counter()
            stages[current["stage"]] = stages.get(current["stage"], 0) + now - current["since"]
            current.update(stage=stage, since=now)
            report(stage, percent)

        return original_compute(*args, progress=progress, **kwargs)

    services.engine.compute = compute
    started = time.perf_counter()
    run = services.assessment_start(partnership=partnership, financial_year=year,
                                    definition_version=definition.current,
                                    harm_index=next(iter(services.harm_indices()), ""),
                                    enqueue=False)
    current["since"] = time.perf_counter()
    run = services.run(services.claim(run.pk))
    seconds = time.perf_counter() - started
    stages["storing"] = time.perf_counter() - current["since"]
    if run.status != "done":
        raise SystemExit(f"assessment failed: {run.error}")
    counts = run.result["counts"]
    return {"seconds": seconds, "peak_mb": status_kb("VmHWM") / 1024, "stages": stages,
            "records": {k: v["read"] for k, v in counts.items()},
            "snapshot_kb": len(json.dumps(run.result)) / 1024}


def _platform_aggregates(scope) -> tuple[dict, float]:
    from assessments import selectors
    from ingest.models import PoliceOccurrence

    columns = {"category": "code", "financial_year": "code", "ward_code": "code",
               "victim_age": "int"}
    rows = scope.placed(PoliceOccurrence.objects).filter(
        committed_date__range=(scope.first_day, scope.last_day))
    started = time.perf_counter()
    frame = selectors.f.read(rows, columns)
    by_year = frame.groupby(["category", "financial_year"], observed=True).size()
    by_ward = frame.groupby("ward_code", observed=True).size()
    bands = pd.cut(frame["victim_age"].astype("float"), AGE_BANDS, right=False, labels=False)
    by_age = frame.groupby(bands, observed=True).size()
    seconds = time.perf_counter() - started
    return {"by_year": {(str(c), str(y)): int(n) for (c, y), n in by_year.items()},
            "by_ward": {str(w): int(n) for w, n in by_ward.items()},
            "by_age": {int(b): int(n) for b, n in by_age.items()},
            "rows": len(frame)}, seconds


def _export(scope, path: Path) -> None:
    from django.db import connection

    from ingest.models import PoliceOccurrence

    rows = scope.placed(PoliceOccurrence.objects).filter(
        committed_date__range=(scope.first_day, scope.last_day)).values_list(
        "category", "financial_year", "ward_code", "victim_age")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor, path.open("w", encoding="utf-8") as out:
        statement = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER)", out)


def _duckdb_aggregates(path: Path) -> tuple[dict, float]:
    import duckdb

    started = time.perf_counter()
    db = duckdb.connect()
    db.execute(f"CREATE TABLE o AS SELECT * FROM read_csv('{path}', header=true, "
               "columns={'category': 'VARCHAR', 'financial_year': 'VARCHAR', "
               "'ward_code': 'VARCHAR', 'victim_age': 'INTEGER'})")
    by_year = db.execute("SELECT category, financial_year, count(*) FROM o "
                         "GROUP BY ALL").fetchall()
    by_ward = db.execute("SELECT ward_code, count(*) FROM o GROUP BY ALL").fetchall()
    by_age = db.execute(
        "SELECT CASE WHEN victim_age < 10 THEN 0 WHEN victim_age < 18 THEN 1 "
        "WHEN victim_age < 25 THEN 2 WHEN victim_age < 35 THEN 3 WHEN victim_age < 45 THEN 4 "
        "WHEN victim_age < 55 THEN 5 WHEN victim_age < 65 THEN 6 ELSE 7 END AS band, count(*) "
        "FROM o WHERE victim_age IS NOT NULL GROUP BY ALL").fetchall()
    seconds = time.perf_counter() - started
    db.close()
    # Missing values read as "" on the platform's side (frames._codes) and as NULL here.
    return {"by_year": {(c or "", y or ""): n for c, y, n in by_year},
            "by_ward": {w or "": n for w, n in by_ward},
            "by_age": dict(by_age)}, seconds


def _core(spec: dict, work: Path) -> dict:
    from assessments import selectors
    from partners.models import Partnership

    partnership = Partnership.objects.get(slug=spec["partnership"])
    scope = selectors.scope_for(partnership, f"{spec['year']}/{(spec['year'] + 1) % 100:02d}")
    platform, platform_times = None, []
    for _ in range(REPEATS):
        platform, seconds = _platform_aggregates(scope)
        platform_times.append(seconds)
    path = work / "core-rows.csv"
    _export(scope, path)
    duck, duck_times = None, []
    for _ in range(REPEATS):
        duck, seconds = _duckdb_aggregates(path)
        duck_times.append(seconds)
    # Every group's count, not only the totals, must be the same on both sides.
    agree = all(platform[k] == duck[k] for k in ("by_year", "by_ward", "by_age"))
    totals = {side: {k: sum(counts[k].values()) for k in ("by_year", "by_ward", "by_age")}
              for side, counts in (("platform", platform), ("duckdb", duck))}
    return {"platform_seconds": statistics.median(platform_times),
            "duckdb_seconds": statistics.median(duck_times), "rows": platform["rows"],
            "agree": agree, "groups": {k: len(platform[k]) for k in ("by_year", "by_ward",
                                                                      "by_age")},
            **totals}


def main(argv: list[str]) -> int:
    spec_path, result_path = Path(argv[0]), Path(argv[1])
    spec = json.loads(spec_path.read_text())
    import django

    django.setup()
    result = _assess(spec)
    if spec.get("core"):
        result["core"] = _core(spec, spec_path.parent)
    result_path.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
