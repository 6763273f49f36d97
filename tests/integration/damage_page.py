#!/usr/bin/env python3
"""Writes garbage over one page in the middle of an SQLite table, as a failing disk would.

    damage_page.py FILE TABLE

Picks the middle one of TABLE's leaf pages (SQLite's dbstat), overwrites all of it but its
first bytes with garbage, and prints the page number. The file must not be open in WAL mode by
anyone (its WAL checkpointed): the page is changed in the main file only.
"""

import random
import sqlite3
import sys


def main():
    path, table = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    leaves = [row[0] for row in db.execute(
        "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
    db.close()
    if len(leaves) < 3:
        sys.exit(f"damage_page.py: {table} has only {len(leaves)} leaf pages")
    page = leaves[len(leaves) // 2]
    garbage = random.Random(page).randbytes(page_size - 8)
    with open(path, "r+b") as f:
        f.seek((page - 1) * page_size + 8)  # past the page header's first bytes: the page stays a leaf
        f.write(garbage)
    print(page)


if __name__ == "__main__":
    main()
