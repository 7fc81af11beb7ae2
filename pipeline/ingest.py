"""Ingest stage: raw bytes of one article -> :class:`Document`.

Reading files is the caller's job (``pipeline.api``); this module only decodes, extracts
text from HTML, finds title / source / date, and marks boilerplate lines.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Sequence

from pipeline.errors import ArticleError
from pipeline.models import Document

SUFFIXES = (".txt", ".md", ".html", ".htm")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_MONTHS = ("January February March April May June July August September October November "
           "December").split()
_DATE = re.compile(
    r"\b(?P<month>" + "|".join(_MONTHS) + r")\s+(?P<day>\d{1,2}),\s+(?P<year>(?:19|20)\d{2})\b"
)
_ISO_DATE = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")


def decode(data: bytes, *, path: str) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then a detected legacy encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise ArticleError(path, "binary file, not text",
                           hint="remove it from the corpus or convert it to .txt")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ArticleError(path, "cannot detect the text encoding",
                           hint="re-save the file as UTF-8")
    return str(best)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\0" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(sample) // 100)


def _html_to_text(html: str, *, path: str) -> tuple[str, str | None, str | None, str | None]:
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True,
                                   favor_recall=True)
        meta = trafilatura.extract_metadata(html)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ArticleError(path, f"malformed HTML ({exc})",
                           hint="save the article as plain text") from None
    if not text:
        raise ArticleError(path, "no article text found in the HTML",
                           hint="check that the page is an article, or save its text as .txt")
    title = meta.title if meta else None
    source = meta.url if meta else None
    published = meta.date if meta else None
    return text, title, source, published


def _find_date(text: str) -> str | None:
    match = _DATE.search(text)
    if match:
        month = _MONTHS.index(match["month"]) + 1
        return f"{match['year']}-{month:02d}-{int(match['day']):02d}"
    iso = _ISO_DATE.search(text)
    return iso.group(0) if iso else None


def _boilerplate(text: str, patterns: Sequence[str]) -> tuple[tuple[int, int], ...]:
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    ranges: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and any(c.match(stripped) for c in compiled):
            start = pos + line.index(stripped[0])
            ranges.append((start, start + len(stripped)))
        pos += len(line)
    return tuple(ranges)


def ingest(
    rel_path: str,
    data: bytes,
    *,
    boilerplate: Sequence[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Turn one article's bytes into a :class:`Document`, or raise :class:`ArticleError`."""
    suffix = "." + rel_path.rsplit(".", 1)[-1].lower() if "." in rel_path else ""
    if suffix not in SUFFIXES:
        raise ArticleError(rel_path, f"not an article file type ({suffix or 'no suffix'})",
                           hint="use .txt, .md or .html")
    if len(data) > max_bytes:
        raise ArticleError(rel_path, f"file is {len(data):,} bytes, over the "
                           f"{max_bytes:,}-byte limit",
                           hint="split it, or raise --max-bytes")
    if not data.strip():
        raise ArticleError(rel_path, "empty file", hint="remove it or add the article text")
    text = decode(data, path=rel_path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    title = source = published = None
    if suffix in (".html", ".htm"):
        text, title, source, published = _html_to_text(text, path=rel_path)
    if not text.strip():
        raise ArticleError(rel_path, "no text after decoding", hint="check the file")
    if not re.search(r"[A-Za-z]{2,}", text):
        raise ArticleError(rel_path, "no words in the file; not an article",
                           hint="remove it from the corpus")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if title is None and lines:
        title = re.sub(r"^[#>*\s]+", "", lines[0])[:200] or None
    if source is None:
        url = _URL.search(text)
        source = url.group(0).rstrip(".,;") if url else None
    published = published or _find_date(text)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        id=sha[:16],
        path=rel_path,
        title=title,
        source=source,
        published=published,
        text=text,
        sha256=sha,
        boilerplate=_boilerplate(text, boilerplate),
    )
