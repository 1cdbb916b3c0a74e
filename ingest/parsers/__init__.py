"""Pure parsing for the ingest app: files in, DataFrames and dataclasses out.

Nothing under this package imports Django, so it is tested with plain pytest on files
built in tmp_path and on the real public data in ../shared/data.

    reading.py           file -> DataFrames of strings (CSV/XLSX/ODS, guards, ReadError),
                         in chunks for large files (csv_text.py, csv_fields.py)
    pii.py               personal-data scan over frames (with pii_names/values/dates)
    police_uk_street.py  data.police.uk street files -> canonical records + validation
    police_occurrences/  a force's occurrence extract, whole or chunk by chunk (chunks.py)
    common/              building blocks of the health, youth justice and reference parsers
    registry.py          parsers by source key
"""
