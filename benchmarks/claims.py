"""Claim frames against the case table, compared with a proximity baseline.

    /tmp/venv/bin/python benchmarks/claims.py

Runs every case of ``tests/data/claims_cases.yaml`` (known failures included) through
``build_claims`` and through a baseline that reads the same rules the walking skeleton's way:
subject = the entity nearest the figure in characters, metric = the fitting cue nearest in
characters, modality = the first cue word found anywhere in the sentence. Prints, per field,
how many expectations each gets right, then the time per claim of the seed corpus.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import api  # noqa: E402
from pipeline.extract import claims, quantities, repair  # noqa: E402
from pipeline.models import Claim  # noqa: E402
from pipeline.rules import Rules, load_rules  # noqa: E402
from pipeline.units import dimension_of, unit_expression  # noqa: E402
from tests.test_claims import _pipeline_nlp, frame  # noqa: E402

FIELDS = ("subject", "metric", "modality", "as_of", "payer", "payee", "attribution")


def _positions(text: str, cue: str) -> list[int]:
    pattern = r"(?<![\w-])" + re.escape(cue.lower()) + r"(?![\w-])"
    return [m.start() for m in re.finditer(pattern, text.lower())]


def baseline(claim: Claim, doc: Any, rules: Rules) -> dict[str, Any]:
    """The skeleton's frame: nearest entity, nearest cue, first modality word."""
    aliases = {a.lower(): e.name for e in rules.entities.entities for a in (e.name, *e.aliases)}
    span = doc.char_span(claim.span.start, claim.span.end, alignment_mode="expand")
    sent = span.sent
    start, end = claim.span.start, claim.span.end
    best: tuple[int, str] | None = None
    for ent in sent.ents:
        if ent.label_ not in claims.SUBJECT_LABELS or (ent.start_char < end and
                                                        ent.end_char > start):
            continue
        name = ent.ent_id_ or aliases.get(ent.text.lower(), ent.text)
        distance = start - ent.end_char if ent.end_char <= start else 2 * (ent.start_char - end)
        if best is None or distance < best[0]:
            best = (distance, name)
    offset = start - sent.start_char
    dimension = dimension_of(rules.registry, unit_expression(claim.quantity))
    metric: tuple[int, str] | None = None
    for name, rule in rules.metrics.metrics.items():
        if dimension not in rule.dimensions():
            continue
        for cue in (*rule.cues, *rule.weak_cues):
            for pos in _positions(sent.text, cue):
                if metric is None or abs(pos - offset) < metric[0]:
                    metric = (abs(pos - offset), name)
    modality = "asserted"
    for name in ("hypothetical", "alternative", "projection", "quoted", "conditional"):
        if any(_positions(sent.text, c) for c in rules.cues.modality.get(name, ())):
            modality = name
            break
    return {"subject": best[1] if best else None, "metric": metric[1] if metric else "unknown",
            "modality": modality, "as_of": None, "payer": None, "payee": None,
            "attribution": None}


def main() -> None:
    from pipeline.extract.parse import load_nlp

    rules = load_rules(ROOT / "rules")
    nlp = load_nlp(rules)
    cases = yaml.safe_load((ROOT / "tests/data/claims_cases.yaml").read_text())["cases"]
    right = {f: [0, 0, 0] for f in FIELDS}  # expected, frame right, baseline right
    for case in cases:
        claim = frame(case["text"], case["figure"], nlp=nlp, rules=rules,
                      unit=case.get("unit", "USD"), per=case.get("per"),
                      published=case.get("published"), also=tuple(case.get("also", ())))
        with _pipeline_nlp(nlp):
            doc = nlp(case["text"])
        base = baseline(claim, doc, rules)
        for field in FIELDS:
            if field in case["expect"]:
                right[field][0] += 1
                right[field][1] += getattr(claim, field) == case["expect"][field]
                right[field][2] += base[field] == case["expect"][field]
    print(f"{len(cases)} cases from tests/data/claims_cases.yaml\n")
    print("| field | expectations | claim frames | proximity baseline |")
    print("|---|---:|---:|---:|")
    for field, (n, ours, base_n) in right.items():
        print(f"| {field} | {n} | {ours} ({ours / n:.0%}) | {base_n} ({base_n / n:.0%}) |")

    docs = api.load_documents(ROOT / "corpus", rules=rules)[0]
    items = []
    for document in docs:
        fixed = repair.repair(document)
        with _pipeline_nlp(nlp):
            doc = nlp(fixed.text)
        found = quantities.extract_quantities(fixed.text, doc_id=document.id,
                                              registry=rules.registry)
        items.append((document, fixed, doc, found))
    began = time.perf_counter()
    framed = [c for d, f, doc, q in items
              for c in claims.build_claims(d, f, doc, q, rules=rules, registry=rules.registry)]
    took = time.perf_counter() - began
    unknown = sum(c.metric == "unknown" for c in framed)
    no_subject = sum(c.subject is None for c in framed)
    print(f"\nseed corpus: {len(docs)} documents, {len(framed)} claims, "
          f"{unknown} with metric unknown, {no_subject} without subject; "
          f"build_claims {took * 1000:.0f} ms ({took * 1000 / max(1, len(framed)):.1f} ms/claim)")


if __name__ == "__main__":
    main()
