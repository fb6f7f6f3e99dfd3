#!/usr/bin/env python3
"""Writes migrations/*/0032_add_country_name_keys.sql: every name and alias of the Core country table
(src/FundAudit.Core/Geography/countries.csv) as a key of country_regions, beside the codes and English names that
migration 0005 seeded. The audit's place reports find a grant's country and region by
country_key = upper(recipient_country), as the engine's own upper() writes the published text; so each name is
added as Unicode upper case writes it and, where it differs, as an ASCII-only upper() writes it (SQLite's upper(),
and PostgreSQL's in a database whose LC_CTYPE is C, change only a-z). SQL Server compares keys without case, so
there only the Unicode form goes in, and no key equal to one already there but for case.

Re-runnable from the repository root: python3 tools/geo/country_keys.py (byte-identical output for unchanged
inputs)."""
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = ROOT / "src/FundAudit.Core/Geography/countries.csv"
SEED = ROOT / "migrations/sqlite/0005_create_audit_tables.sql"
NAME = "0032_add_country_name_keys.sql"


def ascii_upper(text):
    return "".join(c.upper() if "a" <= c <= "z" else c for c in text)


def seeded():
    """country_key -> (alpha2, region) as migration 0005 inserted them."""
    rows = re.findall(r"\('((?:[^']|'')*)', '([A-Z]{2})', '([^']*)'\)", SEED.read_text(encoding="utf-8"))
    return {k.replace("''", "'"): (a, r) for k, a, r in rows}


def names():
    """(name, alpha2) for every English name and alias, in the table's order."""
    for line in COUNTRIES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split(";")
        for name in [f[2]] + [a.strip() for a in f[6].split("|") if a.strip()]:
            yield name, f[0]


def keys(case_sensitive):
    seed = seeded()
    region = {a: r for a, r in seed.values()}
    taken = {k if case_sensitive else k.casefold(): a for k, (a, _) in seed.items()}
    added = []
    for name, alpha2 in names():
        if alpha2 not in region:
            continue  # no region in 0005 (Antarctica and the like): no row there either
        forms = [name.upper(), ascii_upper(name)] if case_sensitive else [name.upper()]
        for key in dict.fromkeys(forms):
            seen = key if case_sensitive else key.casefold()
            if seen in taken:
                if taken[seen] != alpha2:
                    raise SystemExit(f"{key!r} is already {taken[seen]}, not {alpha2}")
                continue
            taken[seen] = alpha2
            added.append((key, alpha2, region[alpha2]))
    return added


HEADER = """The audit's place reports (and the region and country filters) find a grant's country by
country_key = upper(recipient_country). 0005 seeded the ISO codes and English names; published files also write the
recipient's country as "UK", "England", "Scotland", "USA", "The Netherlands" or "Swaziland" (512 distinct grants of
the 360Giving files in shared/data: 460 "UK", 52 "England"), which then stood alone as a country of their own text,
in no region. This adds every other name and alias of FundAudit's country table
(src/FundAudit.Core/Geography/countries.csv, which the classifier reads): {what}. Written by
tools/geo/country_keys.py; nothing else changes.
"""


def header(what):
    return "".join("-- " + line + "\n" for line in textwrap.wrap(HEADER.format(what=what), 116))


def sql(rows, unicode_prefix):
    q = "N'" if unicode_prefix else "'"
    values = ",\n".join(
        f"    ({q}{k.replace(chr(39), chr(39) * 2)}', {q}{a}', {q}{r}')" for k, a, r in rows
    )
    return f"INSERT INTO country_regions (country_key, alpha2, region) VALUES\n{values};\n"


def main():
    both = "each as Unicode upper case writes it and, where that differs, as an ASCII-only upper() writes it"
    for engine, case_sensitive, prefix, what in [
        ("sqlite", True, False, both + " (SQLite's upper() changes only a-z)"),
        ("postgres", True, False, both + " (upper() in a database whose LC_CTYPE is C changes only a-z)"),
        ("sqlserver", False, True, "as upper case writes it (SQL Server compares keys without case)"),
    ]:
        rows = keys(case_sensitive)
        path = ROOT / "migrations" / engine / NAME
        path.write_text(header(what) + sql(rows, prefix), encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(rows)} keys")


if __name__ == "__main__":
    main()
