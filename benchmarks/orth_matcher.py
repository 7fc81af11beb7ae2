"""The EntityRuler's matching: spaCy's PhraseMatcher route against token patterns (issue 14).

    .venv/bin/python benchmarks/orth_matcher.py [--repeat 5]

The rules' entity names become EntityRuler patterns. Three ways to match them:

* ``matcher``: token patterns (``[{"ORTH": "Open"}, {"ORTH": "AI"}]``) in spaCy's ``Matcher``,
  which advances every pattern at every token;
* ``stand-in``: the same token patterns, matched by a stand-in for the ``Matcher`` that looks
  each token's text up among the patterns' first tokens (``parse._OrthMatcher`` until issue
  14, kept here as :class:`OrthMatcher` for the comparison);
* ``phrase``: the names as string patterns, which the EntityRuler hands to spaCy's
  ``PhraseMatcher`` (what :func:`pipeline.extract.parse.load_nlp` does).

Texts: the seed articles, ``tests/data/tiny`` and, when rebuilt locally, the development
stories (``benchmarks/stories/texts``). For each route it prints the seconds of the ruler
alone over tokenized texts, and of the light pass a run gives most of the text (tokenizer +
EntityRuler through ``nlp.pipe``), the best of ``--repeat`` runs, and whether every text gets
the same entities (label, span, id) as under the ``phrase`` route.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402
from spacy.attrs import ORTH  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from pipeline.extract.parse import load_nlp  # noqa: E402
from pipeline.rules import Rules, load_rules  # noqa: E402


class OrthMatcher:
    """The ``Matcher`` of plain token-text patterns with one key per sequence, as a lookup of
    each token's text among the patterns' first tokens (the same matches)."""

    def __init__(self, matcher: object, patterns: dict[str, list[list[dict[str, str]]]],
                 strings: object) -> None:
        self.matcher = matcher
        self.first: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        for label, lists in patterns.items():
            match_id = strings.add(label)  # type: ignore[attr-defined]
            for pattern in lists:
                sequence = tuple(strings.add(spec["ORTH"])  # type: ignore[attr-defined]
                                 for spec in pattern)
                self.first.setdefault(sequence[0], []).append((match_id, sequence))

    def __call__(self, doc: Doc, **kwargs: object) -> list[tuple[int, int, int]]:
        orths = doc.to_array(ORTH).tolist()
        matches = []
        for i, orth in enumerate(orths):
            for match_id, sequence in self.first.get(orth, ()):
                if len(sequence) == 1 or tuple(orths[i:i + len(sequence)]) == sequence:
                    matches.append((match_id, i, i + len(sequence)))
        return matches

    def __getattr__(self, name: str) -> object:
        return getattr(self.matcher, name)


def texts() -> list[str]:
    folders = [ROOT / "corpus", ROOT / "tests/data/tiny", ROOT / "benchmarks/stories/texts"]
    return [p.read_text(encoding="utf-8", errors="replace") for folder in folders
            if folder.is_dir() for p in sorted(folder.rglob("*")) if p.is_file()]


def with_token_patterns(rules: Rules, *, stand_in: bool) -> Language:
    """The pipeline of a run, its EntityRuler given the names as token patterns."""
    nlp = load_nlp(rules)
    nlp.remove_pipe("entity_ruler")
    ruler = nlp.add_pipe("entity_ruler", before="ner",
                         config={"overwrite_ents": True, "phrase_matcher_attr": None})
    tokenizer = spacy.blank("en").tokenizer
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": e.label, "id": e.name, "pattern": [{"ORTH": t.text} for t in tokenizer(alias)]}
        for e in rules.entities.entities for alias in dict.fromkeys((e.name, *e.aliases))])
    if stand_in:
        ruler.matcher = OrthMatcher(ruler.matcher, ruler.token_patterns,  # type: ignore
                                    nlp.vocab.strings)
    return nlp


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def entities(docs: list[Doc]) -> list[list[tuple[str, int, int, str]]]:
    return [[(e.label_, e.start, e.end, e.ent_id_) for e in doc.ents] for doc in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    corpus = texts()
    routes = {"phrase": load_nlp(rules),
              "matcher": with_token_patterns(rules, stand_in=False),
              "stand-in": with_token_patterns(rules, stand_in=True)}
    names = sum(len(dict.fromkeys((e.name, *e.aliases))) for e in rules.entities.entities)
    tokens = sum(len(d) for d in routes["phrase"].tokenizer.pipe(corpus))
    print(f"{len(corpus)} texts, {tokens:,} tokens, {names} entity names; best of "
          f"{args.repeat}")
    print("| route | ruler alone s | tokenizer + ruler s | same entities as phrase |")
    print("|---|---|---|---|")
    expected = None
    for name, nlp in routes.items():
        ruler = nlp.get_pipe("entity_ruler")
        others = [n for n in nlp.pipe_names if n != "entity_ruler"]
        found = entities([ruler(nlp.make_doc(t)) for t in corpus])
        expected = expected if expected is not None else found
        docs = [nlp.make_doc(t) for t in corpus]
        alone = best(lambda r=ruler, ds=docs: [r(d) for d in ds], args.repeat)
        light = best(lambda n=nlp, o=others: list(n.pipe(corpus, disable=o)), args.repeat)
        print(f"| {name} | {alone:.3f} | {light:.3f} | {found == expected} |")


if __name__ == "__main__":
    main()
