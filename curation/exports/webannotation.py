"""W3C Web Annotation (JSON-LD): an AnnotationCollection with one page.

Each claim is an annotation with motivation `assessing` on its passage; each
evidence link an annotation with motivation `linking` on the evidence passage
whose body is the claim's annotation. Targets carry a TextQuoteSelector and a
TextPositionSelector (Unicode code points of the normalised text).
"""

from .common import FormatWriter, document_iri, dumps, json_bytes

README = """\
`annotations.jsonld`: a W3C Web Annotation `AnnotationCollection`
(https://www.w3.org/TR/annotation-model/) whose `first` page holds:

- one annotation per claim, `motivation: assessing`, id `urn:uuid:<claim id>`;
  bodies: the statement (`purpose: describing`), one per topic
  (`purpose: tagging`), the Admiralty grade (`purpose: assessing`), kind, status
  and attribution (`purpose: classifying`);
- one annotation per evidence link, `motivation: linking`, id
  `urn:uuid:<evidence id>`; bodies: the claim's annotation id and the stance
  (`purpose: classifying`), plus the note (`purpose: commenting`).

Every target has `source` (the document URL, or `urn:sha256:<checksum of the
text>`) and two selectors: `TextQuoteSelector` (exact, prefix, suffix) and
`TextPositionSelector` (start, end in Unicode code points of the normalised
text). `total` counts all annotations. A claim assessed independently also
has one `assessing` annotation per assessment (id `urn:uuid:<assessment id>`,
creator the assessor; bodies: the claim's annotation id, credibility, kind).

`@context` is W3C's (http://www.w3.org/ns/anno.jsonld) extended by one term:
`assessing`, a motivation of the Web Annotation Vocabulary
(http://www.w3.org/ns/oa#assessing) that W3C's context does not name. Every
other term is W3C's, so a JSON-LD processor expands the whole collection.
"""

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# W3C's context names every motivation of the vocabulary but `assessing`: without
# this term a JSON-LD processor reads "assessing" as a relative IRI and drops it.
CONTEXT = [W3C_CONTEXT, {"assessing": "http://www.w3.org/ns/oa#assessing"}]


def target(passage) -> dict:
    return {
        "source": document_iri(passage),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": passage.exact,
                "prefix": passage.prefix,
                "suffix": passage.suffix,
            },
            {"type": "TextPositionSelector", "start": passage.start, "end": passage.end},
        ],
    }


def text_body(value: str, purpose: str) -> dict:
    return {"type": "TextualBody", "value": value, "purpose": purpose, "format": "text/plain"}


class WebAnnotationWriter(FormatWriter):
    def __init__(self, package, release):
        super().__init__(package, release)
        self.entry = package.open_data("annotations.jsonld")
        self.total = 0
        collection_id = f"urn:claimdesk:release:{release.project.slug}:{release.version}"
        head = dumps(
            {
                "@context": CONTEXT,
                "id": collection_id,
                "type": "AnnotationCollection",
                "label": release.name,
            }
        )
        # Stream the items: open the page by hand and close it in finish().
        self.entry.write(
            (
                head[:-1]
                + ',"first":{"type":"AnnotationPage","id":'
                + dumps(collection_id + ":1")
                + ',"items":['
            ).encode("utf-8")
        )

    def _item(self, annotation: dict) -> None:
        self.entry.write((b"," if self.total else b"") + json_bytes(annotation))
        self.total += 1

    def write(self, row):
        claim_id = f"urn:uuid:{row.uuid}"
        bodies = [text_body(row.statement, "describing")]
        bodies += [text_body(topic, "tagging") for topic in row.topics]
        bodies.append(text_body(row.grade, "assessing"))
        bodies.append(text_body(f"kind: {row.kind}", "classifying"))
        bodies.append(text_body(f"status: {row.status}", "classifying"))
        if row.attributed_to:
            bodies.append(text_body(f"attributed to: {row.attributed_to}", "classifying"))
        self._item({
            "id": claim_id, "type": "Annotation", "motivation": "assessing",
            "creator": {"type": "Person", "nickname": row.author} if row.author else None,
            "created": row.created_at, "modified": row.updated_at,
            "body": bodies, "target": target(row.passage),
        })  # fmt: skip
        for link in row.evidence:
            bodies = [{"id": claim_id}, text_body(link.stance, "classifying")]
            if link.note:
                bodies.append(text_body(link.note, "commenting"))
            self._item({
                "id": f"urn:uuid:{link.uuid}", "type": "Annotation", "motivation": "linking",
                "creator": {"type": "Person", "nickname": link.author} if link.author else None,
                "body": bodies, "target": target(link.passage),
            })  # fmt: skip

        for assessment in row.assessments:  # issue 15: one per independent assessment
            bodies = [
                {"id": claim_id},
                text_body(f"credibility: {assessment.credibility}", "assessing"),
                text_body(f"kind: {assessment.kind}", "classifying"),
            ]
            self._item({
                "id": f"urn:uuid:{assessment.uuid}", "type": "Annotation",
                "motivation": "assessing",
                "creator": {"type": "Person", "nickname": assessment.assessor},
                "created": assessment.submitted_at, "body": bodies,
                "target": target(row.passage),
            })  # fmt: skip

    def finish(self):
        self.entry.write(f']}},"total":{self.total}}}\n'.encode())
        self.entry.close()
