"""One measured load, in a process of its own so that its peak memory is its own.

    python -m bench.load SPEC.json RESULT.json

SPEC names a partnership, organisation, source, agreement and files. Each file goes through
the platform's own path, as `import_extract` does: services.extract_receive (quarantine and
sha256, enqueue=False), processing.claim, processing.process (read, personal-data scan,
mapping, validation, placement, one transaction that supersedes and COPYs; a police
occurrence extract chunk by chunk, ingest/streaming.py). The only addition is a stopwatch:
loading.progress() is wrapped to record when each stage starts (a stage lasts until the next
starts; a streamed load goes through the stages once per chunk, and their times add up), and
bulk.copy_data()/bulk._copy() to time the COPY, which costs a perf_counter() call each.

The environment (DJANGO_SETTINGS_MODULE, DATABASE_URL, INGEST_QUARANTINE_DIR) is set by
bench.run.
"""

import cProfile
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path


def status_kb(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


# Sub-timings, shown apart from the stages. COPY_SENT runs in the writer's thread during a
# streamed load, alongside the stages of the next chunk, so it overlaps them.
COPY_DATA = "  of which COPY data built (bulk.copy_data: typing, encoding)"
COPY_SENT = ("  COPY sent and taken in by the server (bulk._copy; in a streamed load, in the "
             "background alongside the stages)")


class Stopwatch:
    """Seconds per stage: a stage lasts until the next one starts."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.peak_mb: dict[str, float] = {}  # the RSS high-water mark when the stage ended
        self.current: str | None = None
        self.since = 0.0

    def enter(self, stage: str | None) -> None:
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] += now - self.since
            self.peak_mb[self.current] = status_kb("VmHWM") / 1024
        self.current, self.since = stage, now

    def timed(self, label: str, function):
        """Wrap `function` so that its own time is also counted under `label`."""
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
        return wrapper


def _instrument(stopwatch: Stopwatch) -> None:
    from ingest import bulk, loading

    original_progress = loading.progress

    def progress(extract, stage, percent):
        stopwatch.enter(str(stage))
        return original_progress(extract, stage, percent)

    loading.progress = progress
    bulk.copy_data = stopwatch.timed(COPY_DATA, bulk.copy_data)
    bulk._copy = stopwatch.timed(COPY_SENT, bulk._copy)


def load(spec: dict, *, instrument: bool = True) -> dict:
    from django.db import connection

    from ingest import processing, services
    from ingest.models import SharingAgreement
    from partners.models import Organisation, Partnership

    partnership = Partnership.objects.get(slug=spec["partnership"])
    organisation = (Organisation.objects.get(name=spec["organisation"])
                    if spec.get("organisation") else None)
    agreement = (SharingAgreement.objects.get(reference=spec["agreement"])
                 if spec.get("agreement") else None)
    connection.ensure_connection()  # not part of the first file's time
    stopwatch = Stopwatch()
    if instrument:
        _instrument(stopwatch)
    files = []
    rss_before, hwm_before = status_kb("VmRSS"), status_kb("VmHWM")
    profiler = cProfile.Profile() if spec.get("profile") else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    for name in spec["files"]:
        path = Path(name)
        file_started = time.perf_counter()
        stopwatch.enter("receive (quarantine copy + sha256)")
        with path.open("rb") as handle:
            extract = services.extract_receive(
                partnership=partnership, organisation=organisation,
                source_key=spec["source"], filename=path.name,
                chunks=iter(lambda: handle.read(1 << 20), b""), uploaded_by=None,
                agreement=agreement, enqueue=False)
        stopwatch.enter("claim")
        claimed = processing.claim(extract.pk)
        if claimed is not None:
            extract = processing.process(claimed)
        stopwatch.enter(None)
        files.append({
            "file": path.name, "extract_id": extract.pk, "status": extract.status,
            "message": extract.message, "rows_read": extract.rows_read,
            "rows_loaded": extract.rows_loaded, "rows_rejected": extract.rows_rejected,
            "duplicates": extract.duplicates, "outside_area": extract.outside_area,
            "unplaced": extract.unplaced, "seconds": time.perf_counter() - file_started})
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(spec["profile"])
    return {
        "seconds": seconds, "files": files, "stages": dict(stopwatch.seconds),
        "stage_peak_mb": stopwatch.peak_mb,
        "rows_read": sum(f["rows_read"] for f in files),
        "rows_loaded": sum(f["rows_loaded"] for f in files),
        # The high-water mark of this process's resident set (kB). Not ru_maxrss: Linux keeps
        # that across execve, so it would include the parent's RSS when it forked this child.
        "peak_rss_kb": status_kb("VmHWM"),
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "rss_before_kb": rss_before, "hwm_before_kb": hwm_before,
    }


def main(argv: list[str]) -> int:
    spec_path, result_path = argv
    import django

    django.setup()
    spec = json.loads(Path(spec_path).read_text())
    result = load(spec)
    Path(result_path).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
