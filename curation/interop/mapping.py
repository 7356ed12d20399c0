"""From a tool's labels to claim kinds, and from its relations to stances.

The owner gives the mapping; what they leave out gets a default, shown before
the import (admin page, command's --show-mapping): a label named like a kind is
that kind, names of evidence mark evidence spans, anything else is a `fact`; a
relation named like a stance (or a usual synonym) is that stance, anything else
`qualifies` (it bears on the claim without taking a side).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ..choices import ClaimKind, Stance
from .items import ParsedFile

EVIDENCE = "evidence"  # a span that relations cite as evidence, not a claim
IGNORE = "ignore"
LABEL_TARGETS = [*ClaimKind.values, EVIDENCE, IGNORE]
RELATION_TARGETS = [*Stance.values, IGNORE]

_LABEL_WORDS = [
    (r"^(claim|assertion|statement|fact)s?$", ClaimKind.FACT),
    (r"statistic|number|figure|quantit|numeric", ClaimKind.STATISTIC),
    (r"caus|effect", ClaimKind.CAUSAL),
    (r"predict|forecast|projection", ClaimKind.PREDICTION),
    (r"opinion|view|stance|belief", ClaimKind.OPINION),
    (r"recommend|advice|proposal|should", ClaimKind.RECOMMENDATION),
    (r"evidence|premise|support|source|citation|reference|quote", EVIDENCE),
]
_RELATION_WORDS = [
    (r"refut|contradict|attack|rebut|counter|disagree|oppos|deny|against", Stance.REFUTES),
    (r"qualif|nuanc|partial|limit|context", Stance.QUALIFIES),
    (r"support|agree|confirm|entail|evidence|prove|for$|backs?", Stance.SUPPORTS),
]


def default_label(label: str) -> str:
    name = label.strip().lower()
    if name in ClaimKind.values:
        return name
    for pattern, target in _LABEL_WORDS:
        if re.search(pattern, name):
            return str(target)
    return ClaimKind.FACT.value


def default_relation(relation: str) -> str:
    name = relation.strip().lower()
    if name in Stance.values:
        return name
    for pattern, target in _RELATION_WORDS:
        if re.search(pattern, name):
            return str(target)
    return Stance.QUALIFIES.value


@dataclass
class Mapping:
    labels: dict[str, str]
    relations: dict[str, str]

    def kind(self, label: str) -> str:
        return self.labels.get(label) or default_label(label)

    def stance(self, relation: str) -> str:
        return self.relations.get(relation) or default_relation(relation)

    def as_dict(self) -> dict:
        return {"labels": self.labels, "relations": self.relations}


def defaults_for(parsed: ParsedFile) -> Mapping:
    """The mapping an owner who says nothing gets, for the labels of this file."""
    return Mapping(
        labels={label: default_label(label) for label in parsed.labels},
        relations={relation: default_relation(relation) for relation in parsed.relations},
    )


def mapping_resolve(parsed: ParsedFile, given: dict | None) -> Mapping:
    """The defaults for this file, overridden by what the owner gave (checked)."""
    mapping = defaults_for(parsed)
    if given is None:
        return mapping
    if not isinstance(given, dict) or set(given) - {"labels", "relations"}:
        raise ValidationError(
            {"mapping": 'Give {"labels": {label: kind}, "relations": {relation: stance}}.'}
        )
    errors = {}
    for part, targets, into in (
        ("labels", LABEL_TARGETS, mapping.labels),
        ("relations", RELATION_TARGETS, mapping.relations),
    ):
        values = given.get(part) or {}
        if not isinstance(values, dict):
            errors[part] = f"{part} maps names to one of: {', '.join(targets)}."
            continue
        for name, target in values.items():
            if not isinstance(name, str) or target not in targets:
                errors[part] = f"{name!r} → {target!r}: choose among {', '.join(targets)}."
                break
            into[name] = target
    if errors:
        raise ValidationError({"mapping": [f"{part}: {text}" for part, text in errors.items()]})
    return mapping
