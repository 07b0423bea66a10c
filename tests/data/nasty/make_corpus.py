"""Regenerate the nasty input corpus in this folder (``python tests/data/nasty/make_corpus.py``).

The files are kept in the repository; this script documents how each was made (several
hold bytes no editor would keep: truncated gzip, stray cp1252 bytes, UTF-16, NUL). What a
build must do with each is in README.md and tests/robustness/test_nasty_corpus.py.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import io
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[2] / "kg" / "sample" / "daily-papers" / "001_4eb3750c9023835b.txt"


def sentences() -> list[str]:
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if len(line) > 300:
            out += [s.strip() + "." for s in re.split(r"(?<=[a-z0-9)])\. ", line.rstrip(".")) if len(s) > 40]
    return out


S = iter(sentences())


def abstract(n: int = 3) -> str:
    """A fresh abstract of n real sentences (each file gets its own: no duplicates across files)."""
    return " ".join(next(S) for _ in range(n))


def jsonl(*objs, ensure_ascii=False) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o, ensure_ascii=ensure_ascii)) + "\n" for o in objs)


def write(rel: str, data: bytes) -> None:
    p = HERE / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)


def main() -> None:
    # ---------------------------------------------------------------- readable/
    write("readable/xss-titles.jsonl", jsonl(
        {"title": "<img src=x onerror=alert(1)>", "abstract": abstract()},
        {"title": "</script><script>alert(document.cookie)</script>", "abstract": abstract()},
        {"title": '" . <x> <y> "z', "abstract": abstract()},
        {"title": '\\" and > and """ and \\u0000 and \x00 NUL', "abstract": abstract()},
        {"title": "\x1b[31mred\x1b[0m \u202eevil\u202c \u200f RTL mark", "abstract": abstract()},
        {"title": "Robert'); DROP TABLE papers;-- MATCH (n) DETACH DELETE n", "abstract": abstract()},
        {"title": "line\nbreak\r\nand\ttab\u2028separator\x0bvertical", "abstract": abstract()},
        {"title": "{{DATA}} ${jndi:ldap://x} %s%n", "abstract": abstract(), "url": "javascript:alert(1)"},
        {"title": '@prefix x: <y> . _:b0 <http://example.org/x> "@en ^^<z>', "abstract": abstract()},
        {"title": "=1+1", "abstract": "<b>bold</b> " + abstract(), "authors": ["<i>A</i>", "B \"C\" D"]},
    ).encode("utf-8") + jsonl(
        {"title": "\ud800 lone surrogate, \U0001f9e0 emoji, \u00e9\u0301 accents", "abstract": abstract()},
        ensure_ascii=True).encode("ascii"))

    write("readable/broken-lines.jsonl", jsonl(
        {"title": "Good one", "abstract": abstract()},
        '{"title": "Two", "abstract": "unterminated',
        {"title": "no abstract"},
        "[1, 2]",
        '{"title": "big int", "abstract": ' + "1" * 5000 + "}",
        "[" * 5000,
        "",
        {"title": {"x": 1}, "abstract": abstract()},
        {"title": "Good two", "abstract": abstract()},
        {"title": "authors_parsed of the wrong shape", "abstract": abstract(), "authors_parsed": [[1, {"a": 2}]]},
    ).encode("utf-8"))

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["title", "abstract", "authors", "url"])
    w.writerow(["=cmd|' /C calc'!A0", abstract(2) + ' with a "quoted" word\nand a line break', "Alice",
                '=HYPERLINK("http://x","y")'])
    w.writerow(["+1", "-1 " + abstract(2), "@SUM(A1:A2)", ""])
    w.writerow(["-1", "@SUM(1+1) " + abstract(2), "Bob, Carol", ""])
    w.writerow(["Title, with a comma", abstract(2), "too", "many", "fields"])
    w.writerow(["\t=1 tab first", "\r=2 " + abstract(2), "", ""])
    w.writerow(["", "", "", ""])
    w.writerow(["No abstract here", "", "Dave", ""])
    write("readable/formulas.csv", out.getvalue().encode("utf-8"))

    a = [abstract(2) for _ in range(4)]
    write("readable/unclosed-quote.csv", (
        f'title,abstract\nFirst,"{a[0]}"\nSecond,"{a[1].replace(",", ";")}\n'
        f'Third,{a[2].replace(",", ";")}\nFourth,{a[3].replace(",", ";")}\n').encode("utf-8"))

    write("readable/odd-layout.txt", "\n".join([
        "Daily Papers", "", "byAK and the research community", "", "Oct 30", "",
        "·", "",                                            # 7: a footer with no abstract
        abstract(4), "",                                    # 9: untitled entry
        "  • 3 authors", "·", "Jun 29, 2024", "",
        "Title B <img src=x onerror=alert(1)>", "",         # 15
        abstract(4), "",                                    # no footer
        'Title C "quoted" \\ backslash', "",                # 19
        abstract(4), "",
        "·", "Oct 15 2", "",
        "·", "",                                            # 26: stray dot after a footer
        abstract(4), "",                                    # 28: untitled, no footer
        "Title E\twith\u00a0odd   spacing", "",             # 30
        abstract(4), "",
        "Orphan title with no abstract", "",                # 34
    ]).encode("utf-8"))

    rec = {"title": "Café au lait: naïve résumé — “quotes”", "abstract": abstract()}
    write("readable/latin1.csv", ("title,abstract\n" + f'"{rec["title"].replace("—", "-").replace("“", "").replace("”", "")}","{rec["abstract"]}"\n').encode("latin-1"))
    write("readable/cp1252-mixed.jsonl",
          b'{"title": "caf\xe9 na\xefve \x93quoted\x94 \xe2\x81 cut", "abstract": "' + abstract().encode() + b'"}\n'
          + jsonl({"title": "valid UTF-8: \u00e9\u00e8", "abstract": abstract()}).encode("utf-8"))
    write("readable/utf16-bom.jsonl", codecs.BOM_UTF16_LE + jsonl(
        {"title": "UTF-16 with a BOM: \u65e5\u672c\u8a9e \U0001f680", "abstract": abstract()},
        {"title": "second", "abstract": abstract()}).encode("utf-16-le"))
    write("readable/utf16le-nobom.csv", ("title,abstract\r\n"
                                         f'"UTF-16-LE, no BOM: \u0645\u0631\u062d\u0628\u0627","{abstract()}"\r\n'
                                         ).encode("utf-16-le"))
    write("readable/utf8-bom.jsonl", codecs.BOM_UTF8 + jsonl(
        {"title": "UTF-8 with a BOM", "abstract": abstract()}).encode("utf-8") + b'{"title": "stray \xff byte", "abstract": "'
        + abstract().encode() + b'"}\n')
    write("readable/compressed.jsonl.bz2", bz2.compress(jsonl(
        {"title": "bz2 <compressed>", "abstract": abstract()}).encode("utf-8")))
    write("readable/compressed.csv.gz", gzip.compress(("title,abstract\n" + f'"gzip, compressed","{abstract()}"\n')
                                                      .encode("utf-8"), mtime=0))
    long_abs = " ".join([abstract(3)] * 25)
    assert len(long_abs) > 8192
    write("readable/arxiv.jsonl", jsonl(
        {"id": "2101.00001", "title": "arXiv record with an abstract longer than 8 KB", "abstract": long_abs,
         "categories": "cs.LG", "update_date": "2021-01-01", "authors": "A. Author and B. Author",
         "authors_parsed": [["Author", "A.", ""], ["Author", "B.", ""]]},
        {"id": "2101.00001v2", "title": "arXiv record with an abstract longer than 8 KB", "abstract": long_abs,
         "categories": "cs.LG", "update_date": "2021-02-01"},
        {"id": "<script>not-an-id", "title": "bad id", "abstract": abstract(), "categories": "cs.CL",
         "update_date": "2021-01-01"},
        {"id": "2101.00002", "title": "another", "abstract": abstract(), "categories": "cs.CL",
         "update_date": "2021-01-01"},
    ).encode("utf-8"))

    # a gzip stream cut off: the lines before the cut are read, the cut is reported
    good = jsonl(*({"title": f"T{i}", "abstract": abstract(1)} for i in range(60))).encode("utf-8")
    z = gzip.compress(good, mtime=0)
    write("readable/truncated.jsonl.gz", z[: len(z) * 2 // 3])

    # ---------------------------------------------------------------- fatal/
    zc = bytearray(gzip.compress(("title,abstract\n" + "".join(f'T{i},"{abstract(1)}"\n' for i in range(20)))
                                 .encode("utf-8"), mtime=0))
    for i in range(40, 80):
        zc[i] ^= 0x5A
    write("fatal/corrupt.csv.gz", bytes(zc))
    rnd = random.Random(7)
    write("fatal/binary.bin", b"\x7fELF\x02\x01\x01\x00" + bytes(rnd.randrange(256) for _ in range(2000)))
    write("fatal/empty.jsonl", b"")
    write("fatal/blank.txt", b"\n  \n\t\n\r\n")
    write("fatal/unknown.txt", b"just some notes\nnothing like papers\n")
    write("fatal/no-abstract-column.csv", b"title,authors\nA paper,Someone\n")


if __name__ == "__main__":
    main()
