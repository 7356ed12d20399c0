"""FEVER-style JSONL: one claim per line with a label derived from its evidence."""

from .common import FormatWriter, json_bytes

README = """\
`fever.jsonl`: one claim per line in the style of the FEVER shared task
(https://fever.ai/dataset/fever.html):

- `id`: the claim's database id; `claim_id`: its UUID; `claim`: the statement;
- `label`: derived from the claim's evidence links, by this rule:
  - `SUPPORTS` when at least one link supports and none refutes;
  - `REFUTES` when at least one link refutes and none supports;
  - `NOT ENOUGH INFO` otherwise: no evidence, only `qualifies` links, or
    links that both support and refute (conflicting evidence);
- `evidence`: a list of evidence sets, one per link whose stance gave the label
  (each set holds one item `[evidence_id, passage_id, document_id, [start, end]]`,
  offsets in Unicode code points); for NOT ENOUGH INFO,
  `[[[evidence_id_or_null, null, null, null]]]` as in FEVER;
- extra fields: `grade` (Admiralty, e.g. `B2`), `topics`.
"""

SUPPORTS, REFUTES, NEI = "SUPPORTS", "REFUTES", "NOT ENOUGH INFO"


def label_for(stances: set[str]) -> str:
    """The FEVER label of a claim given the stances of its evidence links."""
    supports, refutes = "supports" in stances, "refutes" in stances
    if supports and not refutes:
        return SUPPORTS
    if refutes and not supports:
        return REFUTES
    return NEI


class FeverWriter(FormatWriter):
    def __init__(self, package, release):
        super().__init__(package, release)
        self.entry = package.open_data("fever.jsonl")

    def write(self, row):
        label = label_for({link.stance for link in row.evidence})
        if label == NEI:
            evidence = [[[None, None, None, None]]]
        else:
            stance = "supports" if label == SUPPORTS else "refutes"
            evidence = [
                [[link.uuid, link.passage.id, link.passage.document_id,
                  [link.passage.start, link.passage.end]]]
                for link in row.evidence
                if link.stance == stance
            ]  # fmt: skip
        self.entry.write(json_bytes({
            "id": row.id, "claim_id": row.uuid, "claim": row.statement, "label": label,
            "evidence": evidence, "grade": row.grade, "topics": row.topics,
        }, line=True))  # fmt: skip

    def finish(self):
        self.entry.close()
