"""The ingest benchmark (issue 3, "Performance"): `python -m bench` or `make bench`.

It starts its own PostgreSQL on loopback in a temporary directory, creates and migrates a
fresh database, and measures the platform's own upload path end to end (bench.load: receive,
claim, read, personal-data scan, validation, placement, one COPY transaction):

  1. the 12 real Avon and Somerset monthly data.police.uk files (after the real ONS LSOA
     lookup is loaded as geography), against a bare COPY of the same normalised rows;
  2. a generated police_occurrences extract (1,000,000 rows by default, canonical headings,
     under a sharing agreement), against a bare COPY of the same normalised rows into an
     unindexed table with the same columns, and its peak memory (the RSS high-water mark of
     the process that did the load, a process of its own).

Every figure has a value, unit, baseline and ratio (= value / baseline), printed as a table
and written to bench/results.json. The bare COPY baseline is the median of three runs, each
into a freshly created table, timed in the same run. Nothing is tuned to meet the targets:
the table says what this machine measured, and the stage breakdown says where time went.

    python -m bench [--rows N] [--profile] [--output PATH]

--profile runs the generated load under cProfile (its times are then inflated, so results
are printed but not written) and prints the top costs; the full listing is written to
bench/out/profile.txt.
"""

import argparse
import contextlib
import json
import os
import platform
import pstats
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from .postgres import TemporaryPostgres

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SVD_SHARED_DATA", ROOT.parent / "shared" / "data"))
LOOKUP = "ons-lookups/LSOA11_WD19_LAD19_EW_LU.csv"
STREET_DIR = "police-uk-avon-and-somerset"
STREET_ROWS_EXPECTED = 173_039
DATABASE = "svd_bench"
PARTNERSHIP = "avon-and-somerset-vrp"
FORCE = "Avon and Somerset Constabulary"
AGREEMENT = "BENCH-ISA-1"
AVON_AND_SOMERSET = {
    "E06000022": "Bath and North East Somerset",
    "E06000023": "Bristol, City of",
    "E06000024": "North Somerset",
    "E06000025": "South Gloucestershire",
    "E06000066": "Somerset",
}
SYNTHETIC_YEARS = 5
SYNTHETIC_START_FY = 2019
COPY_REPEATS = 3
TARGET_RATIO = 2.0
TARGET_PEAK_MB = 1024
TIME_LIMIT_SECONDS = 30 * 60  # a child load that takes longer than this is stopped


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop PostgreSQL


# --- set-up (not measured) ------------------------------------------------------------------

def _django(pg: TemporaryPostgres, work: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "svd_platform.settings.test"
    os.environ["DATABASE_URL"] = pg.url(DATABASE)
    os.environ["INGEST_QUARANTINE_DIR"] = str(work / "quarantine")
    # Nothing is enqueued (enqueue=False); keep away from any broker the caller configured.
    for name in ("REDIS_URL", "SVD_REAL_WORKER", "CELERY_TASK_TIME_LIMIT"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _world() -> None:
    from ingest import services
    from partners import demo
    from partners.models import Organisation, Partnership

    demo.seed()
    partnership = Partnership.objects.get(slug=PARTNERSHIP)
    force = Organisation.objects.get(name=FORCE)
    missing = set(AVON_AND_SOMERSET) - set(force.local_authority_codes)
    if missing:
        raise SystemExit(f"{FORCE} does not cover {sorted(missing)}: the demo seed changed")
    today = date.today()
    services.agreement_add(
        reference=AGREEMENT, organisation=force, partnerships=[partnership],
        source_keys=["police_occurrences"], lawful_basis="s17a",
        starts_on=today - timedelta(days=30), review_on=today + timedelta(days=335))


def _load_in_process(source: str, path: Path, organisation: str | None = None) -> dict:
    """A set-up load (geography), through the same path, timed but not a figure."""
    from .load import load

    result = load({"partnership": PARTNERSHIP, "organisation": organisation, "source": source,
                   "files": [str(path)]}, instrument=False)
    status = result["files"][0]["status"]
    if status != "loaded":
        raise SystemExit(f"set-up load of {path.name} ended {status}: "
                         f"{result['files'][0]['message']}")
    return result


def _generate(rows: int, work: Path) -> tuple[Path, Path, float]:
    """The synthetic geography and the occurrence extract, written as CSV files."""
    from ingest import synthetic

    started = time.perf_counter()
    geography = synthetic.geography(AVON_AND_SOMERSET, 120, seed=1)
    geography_csv = work / "synthetic-geography.csv"
    geography.to_csv(geography_csv, index=False)
    frame = synthetic.police_occurrences(
        geography, SYNTHETIC_START_FY, SYNTHETIC_YEARS, -(-rows // SYNTHETIC_YEARS), seed=7,
        header_style="canonical")
    frame = frame.iloc[:rows]
    occurrences_csv = work / f"police-occurrences-{rows}.csv"
    frame.to_csv(occurrences_csv, index=False)
    return geography_csv, occurrences_csv, time.perf_counter() - started


# --- measured loads (child processes) ---------------------------------------------------------

def _measured(spec: dict, work: Path, label: str, module: str = "bench.load") -> dict:
    """Run `python -m <module> SPEC RESULT` in a process of its own (its peak memory is its
    own) and return its result."""
    spec_path, result_path = work / f"{label}-spec.json", work / f"{label}-result.json"
    spec_path.write_text(json.dumps(spec))
    from django.db import connections

    connections.close_all()
    process = subprocess.Popen([sys.executable, "-m", module, str(spec_path),
                                str(result_path)], cwd=ROOT, env=os.environ.copy())
    try:
        code = process.wait(timeout=TIME_LIMIT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if code != 0:
        raise SystemExit(f"the {label} run of {module} exited with {code}")
    return json.loads(result_path.read_text())


def _settled(pg: TemporaryPostgres) -> None:
    """VACUUM (ANALYZE) the database, as autovacuum does soon after a large load: when an
    assessment runs (hours or days after the quarter's load), the planner has the tables'
    statistics and the visibility map is set. Not timed."""
    connection = pg.connect(DATABASE)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()


# --- the bare COPY baseline -----------------------------------------------------------------

def _stored_columns(source: str) -> tuple[str, list[str]]:
    """The table and columns the platform's COPY writes for `source`, in its order."""
    from ingest.loaders import LOADERS
    from ingest.processing import PLACEMENT_COLUMNS

    loader = LOADERS[source]
    names = [*dict.fromkeys([*loader.columns, *PLACEMENT_COLUMNS[: 3 * loader.placed]]),
             "extract", "organisation"]
    meta = loader.model._meta
    return meta.db_table, [meta.get_field(name).column for name in names]


def _bare_copy(pg: TemporaryPostgres, source: str, extract_ids: list[int], work: Path,
               label: str) -> dict:
    """Median seconds of COPY ... FROM STDIN of the platform's stored rows (exported once,
    as CSV) into a new table with the same columns and no index, key or constraint."""
    table, columns = _stored_columns(source)
    column_list = ", ".join(f'"{c}"' for c in columns)
    ids = ", ".join(str(int(i)) for i in extract_ids)
    path = work / f"{label}-normalised.csv"
    bare = f"bench_bare_{label}"
    connection = pg.connect(DATABASE)
    try:
        with connection.cursor() as cursor, path.open("w", encoding="utf-8") as out:
            cursor.copy_expert(f'COPY (SELECT {column_list} FROM "{table}" WHERE extract_id IN '
                               f"({ids}) ORDER BY id) TO STDOUT WITH (FORMAT csv, NULL '\\N')",
                               out)
        connection.commit()
        timings, copied = [], 0
        for _ in range(COPY_REPEATS):
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {bare}")
                cursor.execute(f'CREATE TABLE {bare} AS SELECT {column_list} FROM "{table}" '
                               "WITH NO DATA")
            connection.commit()
            with connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
            connection.commit()
            with connection.cursor() as cursor, path.open(encoding="utf-8") as data:
                started = time.perf_counter()
                cursor.copy_expert(f"COPY {bare} ({column_list}) FROM STDIN WITH "
                                   "(FORMAT csv, NULL '\\N')", data)
                connection.commit()
                timings.append(time.perf_counter() - started)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {bare}")
                (copied,) = cursor.fetchone()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {bare}")
        connection.commit()
    finally:
        connection.close()
    return {"seconds": statistics.median(timings), "runs": timings, "rows": copied,
            "bytes": path.stat().st_size, "columns": len(columns), "path": path}


def _schema_copy(pg: TemporaryPostgres, source: str, path: Path, label: str) -> dict:
    """Seconds of the same COPY (one run, committed) into a twin of the platform's own table:
    its indexes, identity key and deferred foreign keys. A diagnostic, not a baseline: it
    is the database's share of the platform's load; the rest is the platform's Python."""
    table, columns = _stored_columns(source)
    column_list = ", ".join(f'"{c}"' for c in columns)
    twin = f"bench_schema_{label}"
    connection = pg.connect(DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE TABLE {twin} (LIKE "{table}" INCLUDING ALL)')
            cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
            foreign_keys = [definition for (definition,) in cursor.fetchall()]
            for definition in foreign_keys:
                cursor.execute(f"ALTER TABLE {twin} ADD {definition}")
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [twin])
            (indexes,) = cursor.fetchone()
            cursor.execute("CHECKPOINT")
        connection.commit()
        with connection.cursor() as cursor, path.open(encoding="utf-8") as data:
            started = time.perf_counter()
            cursor.copy_expert(f"COPY {twin} ({column_list}) FROM STDIN WITH "
                               "(FORMAT csv, NULL '\\N')", data)
            copied = time.perf_counter() - started
            connection.commit()  # the deferred foreign keys are checked here
            seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {twin}")
        connection.commit()
    finally:
        connection.close()
    return {"seconds": seconds, "copy_seconds": copied, "indexes": indexes,
            "foreign_keys": len(foreign_keys),
            "deferred": sum("DEFERRED" in d for d in foreign_keys)}


# --- the assessment (issue 4) -----------------------------------------------------------------

ASSESSMENT_TARGET_SECONDS = 20
ASSESSMENT_TARGET_MB = 1536
DUCKDB_TARGET_RATIO = 3.0


def _health_and_more(geography_csv: Path) -> None:
    """Set-up (not measured): around the generated police extract, the rest of a year's
    evidence for the same synthetic areas, loaded as the demo loads it (through the upload
    path): population, Census, deprivation, postcode districts, ISTV, hospital admissions,
    youth justice, indicators, harm indices and Home Office counts."""
    import pandas as pd

    from ingest import demo, synthetic
    from partners.models import Partnership

    geography = pd.read_csv(geography_csv, dtype=str)
    first = Partnership.objects.get(slug=PARTNERSHIP)
    years = [SYNTHETIC_START_FY + y for y in range(SYNTHETIC_YEARS)]
    population = synthetic.population(geography, years, demo.SEED)
    demo._load(first, None, "geography", "bench-deprivation.csv",
               synthetic.deprivation(geography, demo.SEED))
    demo._denominators(first, geography, population)
    demo._load(first, None, "postcode_districts", "bench-postcode-districts.csv",
               synthetic.postcode_district_lookup(
                   {c: demo.DISTRICTS[c] for c in AVON_AND_SOMERSET if c in demo.DISTRICTS},
                   demo.SEED))
    for name, frame in (("code", synthetic.harm_index_by_code(demo.SEED)),
                        ("subgroup", synthetic.harm_index_by_subgroup(demo.SEED))):
        demo._load(first, None, "harm_weights", f"bench-harm-index-by-{name}.csv", frame)
    for index, (organisation, partnerships) in enumerate(demo._suppliers()):
        if first in partnerships:
            demo._supplied(organisation, partnerships, geography, index)


def _assessment_stages(result: dict) -> str:
    return "; ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result["stages"].items()
                     if seconds >= 0.05)


def _assessment_figures(full: dict | None, street: dict | None, rows: int) -> list[dict]:
    figures = []
    if full is not None:
        records = ", ".join(f"{k} {v:,}" for k, v in full["records"].items() if v)
        figures += [
            _figure(f"assessment_{rows}_wall_time", full["seconds"], "s",
                    ASSESSMENT_TARGET_SECONDS, "target",
                    f"A full 2023/24 assessment of the Avon and Somerset VRP (five years read: "
                    f"{records}; plus health, youth justice, indicators, population, Census and "
                    f"two harm indices) through the worker's code "
                    f"path. Stages: {_assessment_stages(full)}. Snapshot "
                    f"{full['snapshot_kb']:,.0f} kB."),
            _figure(f"assessment_{rows}_peak_memory", full["peak_mb"], "MB",
                    ASSESSMENT_TARGET_MB, "target",
                    "Peak RSS of the process that ran the assessment."),
        ]
        core = full.get("core")
        if core:
            figures.append(_figure(
                "core_aggregates_vs_duckdb", core["platform_seconds"], "s",
                core["duckdb_seconds"], "DuckDB, same three aggregates from the same rows",
                f"Offences by category x financial year, by ward, by victim age band over "
                f"{core['rows']:,} rows. Platform: read from PostgreSQL as the assessment "
                f"reads them (COPY out, parsed by pandas) and grouped by pandas. DuckDB: "
                f"reading the same rows (exported once by PostgreSQL as CSV) and grouping. "
                f"Median of 3. Results agree: {core['agree']}. Target ratio <= "
                f"{DUCKDB_TARGET_RATIO:g}."))
    if street is not None:
        figures.append(_figure(
            "assessment_12_real_months_wall_time", street["seconds"], "s",
            ASSESSMENT_TARGET_SECONDS, "target",
            f"The 2023/24 assessment on the 12 real Avon and Somerset data.police.uk months "
            f"alone (coarse categories; rules data.police.uk cannot apply are reported). "
            f"Peak {street['peak_mb']:,.0f} MB. Stages: {_assessment_stages(street)}."))
    return figures


# --- figures --------------------------------------------------------------------------------

def _figure(name, value, unit, baseline, baseline_name, notes="") -> dict:
    ratio = value / baseline if baseline else None
    return {"name": name, "value": round(value, 3), "unit": unit,
            "baseline": None if baseline is None else round(baseline, 3),
            "baseline_name": baseline_name, "ratio": None if ratio is None else round(ratio, 3),
            "notes": notes}


def _stages(result: dict) -> str:
    total = result["seconds"]
    parts = [f"{stage.strip()} {seconds:.1f} s ({100 * seconds / total:.0f}%)"
             for stage, seconds in result["stages"].items() if not stage.startswith(" ")]
    subparts = [f"{stage.strip()} {seconds:.1f} s"
                for stage, seconds in result["stages"].items() if stage.startswith(" ")]
    memory = [f"{stage.strip()} {mb:,.0f} MB" for stage, mb in result["stage_peak_mb"].items()]
    return ("; ".join(parts) + (" [loading: " + "; ".join(subparts) + "]" if subparts else "")
            + ". Peak RSS so far at the end of each stage (last file): " + "; ".join(memory))


def _schema_figure(name: str, schema: dict, copy: dict) -> dict:
    return _figure(
        name, schema["seconds"], "s", copy["seconds"],
        "bare PostgreSQL COPY of the same normalised rows",
        f"Diagnostic, one run: the same COPY into a twin of the platform's table, with its "
        f"{schema['indexes']} indexes (primary key included), identity key and "
        f"{schema['foreign_keys']} foreign keys ({schema['deferred']} deferred, checked at "
        f"commit): COPY {schema['copy_seconds']:.1f} s, commit "
        f"{schema['seconds'] - schema['copy_seconds']:.1f} s. This is the database's share "
        "of the platform's load; the rest of its time is Python.")


def _street_figures(result: dict, copy: dict) -> list[dict]:
    statuses = sorted({f["status"] for f in result["files"]})
    counts = (f"{len(result['files'])} files, status {'/'.join(statuses)}; rows read "
              f"{result['rows_read']:,} (expected {STREET_ROWS_EXPECTED:,}), loaded "
              f"{result['rows_loaded']:,} (the rest folded repeats of a Crime ID, rejected or "
              "outside the force area)")
    bare = (f"bare COPY of the {copy['rows']:,} normalised rows ({copy['columns']} columns, "
            f"{copy['bytes'] / 1e6:.1f} MB CSV) into an unindexed table, median of "
            f"{len(copy['runs'])}: " + ", ".join(f"{s:.2f}" for s in copy["runs"]) + " s")
    peak = result["peak_rss_kb"] / 1024
    return [
        _figure("street_12_files_end_to_end", result["seconds"], "s", copy["seconds"],
                "bare PostgreSQL COPY of the same normalised rows",
                f"{counts}. Stages: {_stages(result)}. Peak RSS of the loading process "
                f"{peak:.0f} MB. {bare}"),
        _figure("street_12_files_throughput", result["rows_read"] / result["seconds"],
                "rows/s", copy["rows"] / copy["seconds"],
                "bare PostgreSQL COPY rows/s",
                "Platform: rows read per second, end to end. Baseline: rows copied per second."),
    ]


def _occurrence_figures(result: dict, copy: dict, rows: int, file_mb: float) -> list[dict]:
    file = result["files"][0]
    ratio = result["seconds"] / copy["seconds"]
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    peak = result["peak_rss_kb"] / 1024
    memory_verdict = "meets" if peak < TARGET_PEAK_MB else "misses"
    counts = (f"status {file['status']}; rows read {file['rows_read']:,}, loaded "
              f"{file['rows_loaded']:,}, rejected {file['rows_rejected']:,}, duplicates "
              f"{file['duplicates']:,}")
    bare = (f"bare COPY of the {copy['rows']:,} normalised rows ({copy['columns']} columns, "
            f"{copy['bytes'] / 1e6:.0f} MB CSV) into an unindexed table, median of "
            f"{len(copy['runs'])}: " + ", ".join(f"{s:.2f}" for s in copy["runs"]) + " s")
    return [
        _figure(f"police_occurrences_{rows}_wall_time", result["seconds"], "s", copy["seconds"],
                "bare PostgreSQL COPY of the same normalised rows",
                f"Target: within {TARGET_RATIO:g}x of the COPY ({verdict} it). {counts}. "
                f"Stages: {_stages(result)}. {bare}"),
        _figure(f"police_occurrences_{rows}_throughput", file["rows_read"] / result["seconds"],
                "rows/s", copy["rows"] / copy["seconds"], "bare PostgreSQL COPY rows/s",
                "Platform: rows read per second, end to end. Baseline: rows copied per second."),
        _figure(f"police_occurrences_{rows}_peak_memory", peak, "MB", TARGET_PEAK_MB,
                "issue target (under 1 GB)",
                f"RSS high-water mark (VmHWM) of the process that did the load, a process "
                f"of its own; {result['hwm_before_kb'] / 1024:.0f} MB of it was Python, Django "
                f"and pandas before the upload started. {memory_verdict.capitalize()} the "
                f"target. Raw file {file_mb:.0f} MB."),
    ]


def _print_table(figures: list[dict], title: str) -> None:
    headings = ("name", "value", "unit", "baseline", "baseline_name", "ratio")

    def cell(figure, key):
        value = figure[key]
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}"
        return str(value)

    rows = [[cell(f, key) for key in headings] for f in figures]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]
    line = "  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True))
    print(f"\n{title}\n{line}\n" + "-" * len(line))
    for row in rows:
        print("  ".join(v.rjust(w) if i in (1, 3, 5) else v.ljust(w)
                        for i, (v, w) in enumerate(zip(row, widths, strict=True))))
    print("\nratio = value / baseline\n")
    for figure in figures:
        if figure["notes"]:
            print(f"- {figure['name']}: {figure['notes']}\n")


def _print_profile(path: Path, out: Path) -> None:
    out.parent.mkdir(exist_ok=True)
    with out.open("w") as handle:
        for order in ("tottime", "cumulative"):
            stats = pstats.Stats(str(path), stream=handle)
            stats.sort_stats(order).print_stats(60)
    stats = pstats.Stats(str(path))
    print("\nTop costs (own time, cProfile):")
    stats.sort_stats("tottime").print_stats(20)
    print(f"Full listing: {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000,
                        help="rows of the generated police_occurrences extract")
    parser.add_argument("--profile", action="store_true",
                        help="run the generated load under cProfile (results not written)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)

    lookup = SHARED_DATA / LOOKUP
    street_files = sorted((SHARED_DATA / STREET_DIR).glob("*-street.csv"))
    if not lookup.exists() or len(street_files) != 12:
        raise SystemExit(f"the real files are needed in {SHARED_DATA} ({LOOKUP} and 12 files "
                         f"in {STREET_DIR}); set SVD_SHARED_DATA if they are elsewhere")

    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="svd-bench-"))
    pg = TemporaryPostgres(work)
    try:
        _log(f"starting PostgreSQL on 127.0.0.1:{pg.port} in {work}")
        pg.start()
        pg.wait_ready()
        pg.create_database(DATABASE)
        _django(pg, work)
        _world()
        _log("migrated; loading the real ONS LSOA lookup as geography")
        geography = _load_in_process("geography", lookup)
        _log(f"ONS lookup: {geography['rows_loaded']:,} rows in {geography['seconds']:.1f} s; "
             f"generating {args.rows:,} police_occurrences rows")
        synthetic_geography, occurrences_csv, generated = _generate(args.rows, work)
        _load_in_process("geography", synthetic_geography)
        _log(f"generated in {generated:.1f} s ({occurrences_csv.stat().st_size / 1e6:.0f} MB)")

        _log("measuring: 12 Avon and Somerset street files, end to end")
        street = _measured({"partnership": PARTNERSHIP, "organisation": FORCE,
                            "source": "police_uk_street",
                            "files": [str(p) for p in street_files]}, work, "street")
        _log(f"... {street['seconds']:.1f} s; bare COPY baseline")
        street_copy = _bare_copy(pg, "police_uk_street",
                                 [f["extract_id"] for f in street["files"]], work, "street")
        street_schema = _schema_copy(pg, "police_uk_street", street_copy["path"], "street")
        street_assessment = None
        try:
            _settled(pg)
            _log("measuring: the assessment on the 12 real months")
            street_assessment = _measured(
                {"partnership": PARTNERSHIP, "year": 2023, "preset": "avon_somerset_vrp"},
                work, "street-assessment", "bench.assess")
            _log(f"... {street_assessment['seconds']:.1f} s")
        except (Exception, SystemExit) as error:  # the ingest figures still count
            _log(f"the street assessment failed: {error}")

        profile = work / "occurrences.prof" if args.profile else None
        _log(f"measuring: {args.rows:,}-row police_occurrences extract, end to end"
             + (" (under cProfile)" if profile else ""))
        occurrences = _measured({"partnership": PARTNERSHIP, "organisation": FORCE,
                                 "source": "police_occurrences", "agreement": AGREEMENT,
                                 "files": [str(occurrences_csv)],
                                 "profile": str(profile) if profile else None},
                                work, "occurrences")
        _log(f"... {occurrences['seconds']:.1f} s; bare COPY baseline")
        occurrences_copy = _bare_copy(pg, "police_occurrences",
                                      [f["extract_id"] for f in occurrences["files"]], work,
                                      "occurrences")
        occurrences_schema = _schema_copy(pg, "police_occurrences", occurrences_copy["path"],
                                          "occurrences")
        full_assessment = None
        try:
            _log("set-up: health, youth justice, population and reference data")
            _health_and_more(synthetic_geography)
            _settled(pg)
            _log("measuring: the full assessment on the generated extract, and the core "
                 "aggregates against DuckDB")
            full_assessment = _measured(
                {"partnership": PARTNERSHIP, "year": 2023, "preset": "avon_somerset_vrp",
                 "core": True}, work, "assessment", "bench.assess")
            _log(f"... {full_assessment['seconds']:.1f} s, "
                 f"{full_assessment['peak_mb']:,.0f} MB")
        except (Exception, SystemExit) as error:  # the ingest figures still count
            _log(f"the full assessment failed: {error}")
        figures = [*_street_figures(street, street_copy),
                   _schema_figure("street_12_files_copy_into_platform_schema", street_schema,
                                  street_copy),
                   *_occurrence_figures(occurrences, occurrences_copy, args.rows,
                                       occurrences_csv.stat().st_size / 1e6),
                   _schema_figure(f"police_occurrences_{args.rows}_copy_into_platform_schema",
                                  occurrences_schema, occurrences_copy),
                   *_assessment_figures(full_assessment, street_assessment, args.rows)]
        machine = (f"{platform.node()}: {os.cpu_count()} CPUs, Python "
                   f"{platform.python_version()}, PostgreSQL 15 (fsync=off, defaults "
                   "otherwise)")
        _print_table(figures, f"SVD Platform ingest benchmark — {machine}")
        if profile:
            _print_profile(profile, ROOT / "bench" / "out" / "profile.txt")
            _log("profiled run: figures printed, not written")
        else:
            args.output.write_text(json.dumps(figures, indent=2) + "\n")
            _log(f"written {args.output}")
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):  # Django is not set up if PostgreSQL failed
            connections.close_all()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    _log(f"done in {time.perf_counter() - started:.0f} s")
    return 0
