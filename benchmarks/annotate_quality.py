"""Precision, recall and F1 of city detection on the labelled texts in tests/data/places/.

    .venv/bin/python benchmarks/annotate_quality.py [-v]

A detected city is a true positive when the text's labels name the same place (GeoNames
id); each label is resolved with the gazetteer (``"Hyderabad, PK"``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from dateline.detect import find_cities
from dateline.gazetteer import Gazetteer

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "places"


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int
    errors: tuple[str, ...]
    """One line per mistake: ``file: +Extra`` (false positive) or ``file: -Missed``."""

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def labelled_texts(folder: Path = DATA) -> list[tuple[str, list[str], str]]:
    """(file name, expected "Name, CC" labels, body) for every text in ``folder``."""
    texts = []
    for path in sorted(folder.glob("*.md")):
        if path.name == "README.md":
            continue
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        texts.append((path.name, list(yaml.safe_load(head)["expected"]), body))
    return texts


def score(gazetteer: Gazetteer, folder: Path = DATA) -> Score:
    tp = fp = fn = 0
    errors: list[str] = []
    for name, labels, body in labelled_texts(folder):
        expected = {}
        for label in labels:
            place = gazetteer.resolve(label).place
            if place is None:
                raise ValueError(f"{name}: label {label!r} names no place")
            expected[place.id] = label
        found = {m.place.id: f"{m.place.name}, {m.place.country_code}"
                 for m in find_cities(body, gazetteer)}
        tp += len(expected.keys() & found.keys())
        fp += len(found.keys() - expected.keys())
        fn += len(expected.keys() - found.keys())
        errors += [f"{name}: +{found[k]}" for k in sorted(found.keys() - expected.keys())]
        errors += [f"{name}: -{expected[k]}" for k in sorted(expected.keys() - found.keys())]
    return Score(tp, fp, fn, tuple(errors))


def main() -> None:
    result = score(Gazetteer.load())
    texts = len(labelled_texts())
    print(f"texts: {texts}  labelled cities: {result.true_positives + result.false_negatives}")
    print(f"true positives: {result.true_positives}  false positives: {result.false_positives}  "
          f"false negatives: {result.false_negatives}")
    print(f"precision: {result.precision:.3f}  recall: {result.recall:.3f}  F1: {result.f1:.3f}")
    if "-v" in sys.argv[1:]:
        print("\n".join(result.errors) or "no mistakes")


if __name__ == "__main__":
    main()
