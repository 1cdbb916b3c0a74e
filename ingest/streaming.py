"""Loading a police occurrence extract in chunks (issue 3, "Performance").

The file is read, scanned for personal data, parsed, placed in areas and COPYed CHUNK_ROWS
rows at a time, all in ONE transaction: memory follows the chunk rather than the file, and
the database takes in one chunk while the next is read (bulk.Writer). What the whole-file
load (processing.py) settles before it stores anything, this one settles at the end, before
its transaction commits, with the same outcome:
  - personal data anywhere refuses the file. From the chunk it is found in, the rest of the
    file is only scanned (so the refusal names the columns and first rows a scan of the
    whole file would), and the transaction is rolled back. So it is when the columns must be
    matched first (the analyst is asked, nothing is stored) or do not fit;
  - too many rejected rows (INGEST_MAX_ERROR_SHARE), known only at the end: rolled back and
    refused;
  - a reference repeated in a later chunk is one occurrence whose last valid row is kept, as
    parse() keeps it: the earlier row is deleted, and the counts and report are those of the
    whole file (parsers.police_occurrences.ChunkLedger);
  - the period the extract covers, hence the older rows it supersedes.
Progress shows on the extract's page meanwhile (loading.visible_progress).
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from . import bulk, loading, mappings
from .loaders import LOADERS, RENAMES
from .loading import PLACEMENT_COLUMNS, Refused
from .models import Extract
from .parsers import mapping as mapping_module
from .parsers.errors import ReadError
from .parsers.pii import PiiScanner
from .parsers.police_occurrences import ChunkedParse, ChunkLedger
from .parsers.reading import ReadLimits, TableInfo, coded, open_table
from .parsers.registry import get_parser
from .placement import Geography

STREAMED = frozenset({"police_occurrences"})
CHUNK_ROWS = bulk.CHUNK_ROWS
MAPPING = "mapping"  # why a load stops: its columns must be matched first
PERSONAL_DATA = "personal_data"


def read_report(info: TableInfo) -> dict:
    """How the file was read, for the validation report."""
    return {"format": info.format, "encoding": info.encoding, "delimiter": info.delimiter,
            "sheet": info.sheet, "columns": list(map(str, info.columns))}


def load(extract: Extract, path: Path, limits: ReadLimits) -> None:
    stream = open_table(path, sheet=extract.sheet or None, limits=limits, chunk_rows=CHUNK_ROWS)
    extract.report = read_report(stream.info)
    with loading.visible_progress(extract), transaction.atomic():
        _Load(extract, stream).run()


class _Load:
    def __init__(self, extract: Extract, stream):
        self.extract, self.stream = extract, stream
        self.loader = LOADERS[extract.source]
        self.parser = get_parser(extract.source)
        self.scanner = PiiScanner()
        self.ledger = ChunkLedger(max_errors=settings.INGEST_STORED_ROW_ERRORS)
        self.columns = list(dict.fromkeys([*self.loader.columns, *PLACEMENT_COLUMNS]))
        # Kept per record for the counts and report: where it was placed, its date.
        self.noted = ["lsoa_code", "lsoa_vintage", "local_authority_code", "unplaced_reason",
                      self.loader.date_column]
        self.mapping: dict | None = None  # canonical field -> the file's heading
        self.sample = None  # the first rows as read, to match columns by
        self.stop: Exception | str | None = None  # why the rest is only scanned
        self.geography: Geography | None = None
        self.looked_up: set[str] = set()  # LSOA codes asked of the geography so far
        self.percent = 10
        extract.rows_read = 0

    def run(self) -> None:
        with bulk.Writer(self.loader.model) as writer:
            chunks = iter(self.stream)
            while (frame := next(chunks, None)) is not None:
                self._chunk(frame, writer)
                loading.progress(self.extract, _("Reading the file"), self.percent)
            # What is left: the last chunks going in, then superseding and the report.
            loading.progress(self.extract, _("Loading"), self.percent)
            result = self._outcome(writer)  # counted while the last chunks go in
        if result is not None:
            self._record(result)

    def _chunk(self, frame, writer: bulk.Writer) -> None:
        self.extract.rows_read += len(frame)
        total = self.stream.info.rows
        self.percent = 10 + 70 * self.extract.rows_read // total if total else 45
        loading.progress(self.extract, _("Checking for personal data"), self.percent)
        if self.sample is None:  # the first rows as read, for the column mapping
            self.sample = frame.head(mapping_module.SAMPLE_VALUES)
        frame = coded(frame)  # its distinct values, found once for the scan and the parser
        self.scanner.scan(frame)
        if self.stop is None and self.scanner.found:
            self.stop = PERSONAL_DATA
        if self.stop is not None:
            return
        try:
            self._load_chunk(frame, writer)
        except (Refused, ReadError) as problem:
            self.stop = problem  # raised at the end, unless personal data comes first

    def _load_chunk(self, frame, writer: bulk.Writer) -> None:
        extract = self.extract
        if self.mapping is None:
            columns = [str(c) for c in frame.columns]
            chosen = mappings.choose(extract, columns, self.sample)
            if chosen is None:
                self.stop = MAPPING
                return
            extract.report["mapping"] = chosen.name if hasattr(chosen, "name") else "template"
            self.mapping = mappings.as_dict(chosen)
        frame = mapping_module.apply_mapping(frame, self.mapping)
        missing = self.parser.missing_columns(frame)
        if missing:
            raise loading.missing_columns_refusal(extract, missing)
        loading.progress(extract, _("Validating rows"), self.percent)
        parsed = self.parser.parse(frame)
        records = parsed.records.rename(columns=RENAMES.get(extract.source, {}))
        loading.progress(extract, _("Placing records in areas"), self.percent)
        records = loading.placed(records, self._geography(records, writer))
        outside = loading.outside(extract, records)
        loading.progress(extract, _("Loading"), self.percent)
        again = self.ledger.add(parsed, records[self.noted].assign(outside=outside.to_numpy()))
        writer.delete({"extract": extract.pk}, "occurrence_ref", again)  # their earlier rows
        stored = loading.aware(self.loader.model, records.loc[~outside, self.columns])
        writer.insert(stored.assign(extract=extract.pk, organisation=extract.organisation_id))

    def _geography(self, records, writer: bulk.Writer) -> Geography:
        """The lookup's rows for the LSOA codes seen so far, asked for once each."""
        codes = set(records["lsoa_code"].dropna().unique()) - self.looked_up
        if codes or self.geography is None:
            writer.drain()  # the database connection is the writer's until it is done
            found = Geography.load(codes)
            self.geography = found if self.geography is None else self.geography.merged(found)
            self.looked_up |= codes
        return self.geography

    def _outcome(self, writer: bulk.Writer) -> ChunkedParse | None:
        """The whole file's counts, or None when the analyst must match its columns first;
        raises Refused (or ReadError) when it cannot load."""
        scanned = self.scanner.report()
        if not scanned.clean:
            raise Refused(PERSONAL_DATA, scanned.refusal_message())
        if isinstance(self.stop, Exception):
            raise self.stop
        if self.stop == MAPPING:
            writer.drain()  # nothing was sent, but the connection must be free
            mappings.ask(self.extract, [str(c) for c in self.stream.info.columns], self.sample)
            return None
        result = self.ledger.result()
        loading.check_error_share(result.summary.rows_rejected, self.extract.rows_read)
        return result

    def _record(self, result: ChunkedParse) -> None:
        """Once every row is in: supersede older rows, then the counts and the report."""
        extract = self.extract
        locked = Extract.objects.select_for_update().get(pk=extract.pk)
        if locked.status != Extract.Status.PROCESSING:  # another worker loaded it meanwhile
            transaction.set_rollback(True)
            return
        outside = result.loaded["outside"].to_numpy()
        keep = result.loaded[~outside]
        start, end = loading.period(keep, self.loader, result.summary)
        replaced = loading.supersede(extract, self.loader, start, end, keep)
        loading.record_outcome(
            extract, self.loader, keep=keep, outside_rows=result.loaded[outside],
            errors=result.errors, summary=result.summary, period=(start, end),
            replaced=replaced, notes={})
