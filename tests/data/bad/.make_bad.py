"""Regenerate the hostile / broken test corpus here: ``python tests/data/bad/.make_bad.py``.

Hidden (dot) files are not part of a corpus, so this script and ``.expected.yaml`` live next to
the files they describe. Files too large to commit (100 MB, 1 MB lines) are made by the tests.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLE = (
    "Kestrel Mining reports results\n\n"
    "Kestrel Mining said its café division earned $40 million in revenue last year, "
    "and the company is valued at $900 million.\n"
)


def main() -> None:
    rng = random.Random(9)
    files: dict[str, bytes] = {
        # skipped: nothing to read
        "empty.txt": b"",
        "whitespace_only.md": b"   \n\n\t  \r\n   \n",
        # skipped: binary content behind an article name
        "binary_noise.txt": bytes(rng.randrange(256) for _ in range(4096)),
        "png_named_txt.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        # skipped: not an article file type
        "scan.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
        "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "table.csv": b"company,revenue\nKestrel,40000000\nAcme,150000000\n",
        "blob.json": b'{"revenue": "$40 million", "valuation": 9e999}',
        "noext": b"Kestrel Mining is valued at $900 million.\n",
        # skipped: an article name, but data or code inside
        "data_dump.txt": (
            b'{"articles": [{"title": "x", "revenue": "$40 million", "n": 1}, '
            b'{"title": "y", "revenue": "$50 million", "n": 2}]}\n'
        ),
        "bundle.min.md": (
            b"!function(e){var t={};function n(r){if(t[r])return t[r].exports;"
            b"var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o."
            b"exports,n),o.l=!0,o.exports}n.m=e,n.c=t,n.d=function(e,t,r){n.o(e,t)"
            b"||Object.defineProperty(e,t,{enumerable:!0,get:r})}}([]);" * 20
        ),
        "numbers_only.txt": b"1 2 3 4\n$5 $6\n7,000,000\n",
        # skipped: HTML with nothing to read
        "nav_only.html": (
            b"<html><head><title>Menu</title><script>var a=1;</script></head>"
            b"<body><nav><a href='/'>Home</a></nav></body></html>"
        ),
        "truncated.html": b"<html><body><div><p",
        # decoded and processed: legacy encodings and odd bytes
        "latin1.txt": ARTICLE.replace("Kestrel", "Latin Kestrel").encode("latin-1"),
        "cp1252.txt": (
            "Windows Kestrel reports results\n\nWindows Kestrel said its \u201ccaf\u00e9\u201d "
            "unit earned \u20ac40 million in revenue last year \u2014 and is valued at "
            "$900 million.\n"
        ).encode("cp1252"),
        "utf16_bom.txt": ARTICLE.replace("Kestrel", "Sixteen Kestrel").encode("utf-16"),
        "utf16le_nobom.txt": ARTICLE.replace("Kestrel", "Little Kestrel").encode("utf-16-le"),
        "utf16be_nobom.txt": ARTICLE.replace("Kestrel", "Big Kestrel").encode("utf-16-be"),
        "utf8_bom.md": b"\xef\xbb\xbf" + ARTICLE.replace("Kestrel", "Bom Kestrel").encode(),
        "nul_bytes.txt": ARTICLE.replace("Kestrel", "Nul Kestrel")
        .encode()
        .replace(b" ", b" \x00", 3),
        "control_chars.txt": ARTICLE.replace("Kestrel", "Bell\x07 Kestrel")
        .replace(" revenue", "\x0b revenue\x1b[31m")
        .replace("year,", "year,\x0c\u2028\x85\x7f")
        .encode(),
        "crlf_mixed.txt": ARTICLE.replace("Kestrel", "Crlf Kestrel").replace("\n", "\r\n").encode(),
        # processed: hostile or broken markup around real text
        "malformed.html": (
            b"<html><body><article><h1>Broken Kestrel</h1><p>Broken Kestrel said"
            b" revenue was $40 million last year.<div><p>It is valued at $900 "
            b"million.<b><i></b></i></table></td><p>More text about the company "
            b"follows here, enough to count as an article.</article"
        ),
        "hostile.md": (
            "Hostile Kestrel <script>alert('x')</script> results\n\n"
            "<img src=x onerror=alert(1)> Hostile Kestrel said revenue was $40 million "
            'last year; "</p><script>document.cookie</script>" & it is valued at $900 '
            "million. {{7*7}} ${7*7} \u202eevil\u202c \u200b\n\n"
            "The company told investors that the quarter went well and that it plans "
            "to open two more sites in the north of the country next year.\n"
        ).encode(),
        "absurd_numbers.txt": (
            "Absurd Kestrel reports numbers\n\nAbsurd Kestrel said revenue "
            "was $1e999 last year, or $" + "9" * 400 + " billion, or "
            "10^1000 dollars. Its burn rate is $0 per month and $-5 million "
            "a month, and it is valued at $900 million.\n\n"
            "Absurd Kestrel will pay $5 million over 0 years, $10 billion over "
            "-3 years and $7 million per 0 months. It runs 1e308 GPUs, "
            "$1.7976931348623157e308 billion of chips, NaN dollars, $inf, "
            "-0 users and 0.000000000000000000001% of the market.\n"
        ).encode(),
    }
    files["xxe.html"] = (
        b'<?xml version="1.0"?>\n<!DOCTYPE html [\n'
        b'  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        b'  <!ENTITY ext SYSTEM "http://127.0.0.1:9/evil.dtd">\n]>\n'
        b'<html><head><link rel="stylesheet" href="http://127.0.0.1:9/a.css">'
        b'<script src="http://127.0.0.1:9/a.js"></script></head><body><article>'
        b"<h1>XXE Kestrel results</h1><p>XXE Kestrel said revenue was $40 "
        b'million last year. &xxe; &ext;</p><img src="http://127.0.0.1:9/p.png">'
        b"<p>It is valued at $900 million, the company told investors.</p>"
        b"</article></body></html>"
    )
    nested = "<div>" * 5000 + "<p>Deep Kestrel said revenue was $40 million last year.</p>"
    files["deeply_nested.html"] = (
        "<html><body>" + nested + "</div>" * 5000 + "</body></html>"
    ).encode()
    for name, data in sorted(files.items()):
        (HERE / name).write_bytes(data)
    with zipfile.ZipFile(HERE / "memo.docx", "w") as docx:
        entry = zipfile.ZipInfo("word/document.xml", date_time=(2026, 1, 1, 0, 0, 0))
        docx.writestr(entry, "<w:document>Kestrel $40 million</w:document>")


if __name__ == "__main__":
    main()
