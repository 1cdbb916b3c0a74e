"""What every CSV the platform writes shares: cells that a spreadsheet cannot run."""


def safe_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading =, +, -, @, tab or CR."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
