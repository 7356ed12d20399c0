"""Files written the way each peer tool writes them, built from their documented
export schemas (not copied from their repositories), around one shared text."""

import json

from curation.text import normalize_text

TEXT = normalize_text(
    "Exports rose 12% in April. Officials expect a record year 📈 soon.\n"
    "Critics doubt the figures. 北京表示贸易增长。\n"
    "Exports rose again in May."
)
URL = "https://example.org/trade-report"
DOI = "10.5555/trade.2025"


def at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def utf16(offset: int, text: str = TEXT) -> int:
    """What a browser counts: UTF-16 code units (the emoji is two)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def hypothesis_export() -> bytes:
    """Hypothesis's "Export annotations" JSON (its API's annotation objects)."""

    def annotation(id_, quote, *, text="", tags=(), positions=True, uri=URL, **extra):
        start, end = at(quote) if quote in TEXT else (0, len(quote))
        selectors = [
            {
                "type": "RangeSelector",
                "endOffset": 26,
                "startOffset": 0,
                "endContainer": "/main[1]/p[1]",
                "startContainer": "/main[1]/p[1]",
            },
        ]
        if positions:  # Hypothesis counts UTF-16 units of the page's text
            selectors.append(
                {"type": "TextPositionSelector", "start": utf16(start), "end": utf16(end)}
            )
        selectors.append(
            {
                "type": "TextQuoteSelector",
                "exact": quote,
                "prefix": TEXT[max(0, start - 10) : start],
                "suffix": TEXT[end : end + 10],
            }
        )
        return {
            "id": id_,
            "created": "2025-05-02T10:00:00.000000+00:00",
            "updated": "2025-05-02T10:00:00.000000+00:00",
            "user": "acct:maria@hypothes.is",
            "uri": uri,
            "text": text,
            "tags": list(tags),
            "group": "__world__",
            "permissions": {
                "read": ["group:__world__"],
                "admin": ["acct:maria@hypothes.is"],
                "update": ["acct:maria@hypothes.is"],
                "delete": ["acct:maria@hypothes.is"],
            },
            "target": [{"source": uri, "selector": selectors}],
            "document": {"title": ["Trade report"]},
            "links": {"html": f"https://hypothes.is/a/{id_}"},
            "user_info": {"display_name": "Maria"},
            "flagged": False,
            "hidden": False,
            **extra,
        }

    annotations = [
        annotation(
            "hA1",
            "Officials expect a record year 📈 soon.",
            text="Optimistic.",
            tags=["forecast", "trade"],
        ),
        annotation("hA2", "北京表示贸易增长。", positions=False),
        annotation("hA3", "Exports rose 12% in April."),
        # A page note: a target without selectors.
        {**annotation("hA4", "x"), "target": [{"source": URL}]},
        # A reply to hA1.
        {**annotation("hA5", "Officials expect a record year 📈 soon."), "references": ["hA1"]},
        annotation("hA6", "Nothing like this is in the text.", uri="https://elsewhere.example/"),
    ]
    export = {
        "export_metadata": {"exported_at": "2025-05-03T08:00:00+00:00", "exported_by": "maria"},
        "annotations": annotations,
    }
    return json.dumps(export, ensure_ascii=False).encode()


def w3c_collection() -> bytes:
    """A W3C AnnotationCollection with a linking annotation between two others."""

    def target(quote, **extra):
        start, end = at(quote)
        return {
            "source": URL,
            "selector": [
                {"type": "TextQuoteSelector", "exact": quote},
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
            **extra,
        }

    items = [
        {
            "id": "https://anno.example/1",
            "type": "Annotation",
            "motivation": "assessing",
            "body": [
                {
                    "type": "TextualBody",
                    "value": "Exports rose 12% in April",
                    "purpose": "describing",
                },
                {"type": "TextualBody", "value": "kind: statistic", "purpose": "classifying"},
                {"type": "TextualBody", "value": "C2", "purpose": "assessing"},
            ],
            "target": target("Exports rose 12% in April."),
        },
        {
            "id": "https://anno.example/2",
            "type": "Annotation",
            "motivation": "linking",
            "body": [
                "https://anno.example/1",
                {"type": "TextualBody", "value": "refutes", "purpose": "classifying"},
                {"type": "TextualBody", "value": "Critics disagree", "purpose": "commenting"},
            ],
            "target": target("Critics doubt the figures."),
        },
        {
            "id": "https://anno.example/3",
            "type": "Annotation",
            "motivation": "linking",
            "body": "https://anno.example/missing",
            "target": target("Exports rose again in May."),
        },
    ]
    return json.dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "https://anno.example/c",
            "type": "AnnotationCollection",
            "total": 3,
            "first": {"id": "https://anno.example/c/1", "type": "AnnotationPage", "items": items},
        },
        ensure_ascii=False,
    ).encode()


OTHER_TEXT = "A new memo says tariffs fell.\r\nThe memo cites the ministry."


def doccano_sequence() -> bytes:
    """doccano JSONL, sequence labelling: `label` is [[start, end, label], ...]."""
    lines = [
        {
            "id": 1,
            "text": TEXT,
            "label": [
                [*at("Exports rose 12% in April."), "Claim"],
                [*at("Critics doubt the figures."), "Evidence"],
                [500, 520, "Claim"],
            ],
            "Comments": [],
        },
        # A text the project lacks, with CRLF (offsets count the \r).
        {
            "id": 2,
            "text": OTHER_TEXT,
            "label": [[31, 59, "Claim"]],
            "Comments": [],
            "title": "Memo",
        },
    ]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def doccano_relations() -> bytes:
    """doccano JSONL, relation format: `entities` and `relations`."""
    line = {
        "id": 7,
        "text": TEXT,
        "entities": [
            {
                "id": 10,
                "label": "CLAIM",
                "start_offset": at("Exports rose again in May.")[0],
                "end_offset": at("Exports rose again in May.")[1],
            },
            {
                "id": 11,
                "label": "PREMISE",
                "start_offset": at("Exports rose 12% in April.")[0],
                "end_offset": at("Exports rose 12% in April.")[1],
            },
        ],
        "relations": [{"id": 1, "from_id": 11, "to_id": 10, "type": "supports"}],
        "Comments": [],
    }
    return (json.dumps(line, ensure_ascii=False) + "\n").encode()


def label_studio() -> bytes:
    """Label Studio's JSON export: tasks with annotations whose results hold
    `labels` regions and `relation`s. Offsets as its editor counts them (UTF-16)."""

    def region(id_, quote, label):
        start, end = at(quote)
        return {
            "value": {"start": utf16(start), "end": utf16(end), "text": quote, "labels": [label]},
            "id": id_,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "origin": "manual",
        }

    task = {
        "id": 41,
        "data": {"text": TEXT, "url": URL},
        "annotations": [
            {
                "id": 5,
                "completed_by": 1,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2025-05-04T09:00:00.000000Z",
                "lead_time": 42.5,
                "result": [
                    region("r1", "Officials expect a record year 📈 soon.", "Prediction"),
                    region("r2", "Critics doubt the figures.", "Evidence"),
                    region("r3", "Exports rose again in May.", "Statistic"),
                    {
                        "from_id": "r2",
                        "to_id": "r1",
                        "type": "relation",
                        "direction": "right",
                        "labels": ["contradicts"],
                    },
                    {
                        "value": {"choices": ["Economy"]},
                        "id": "c1",
                        "from_name": "topic",
                        "to_name": "text",
                        "type": "choices",
                    },
                ],
            },
            {
                "id": 6,
                "was_cancelled": True,
                "result": [region("x", "Exports rose 12% in April.", "Claim")],
            },
        ],
        "predictions": [],
        "meta": {},
        "created_at": "2025-05-01T08:00:00.000000Z",
    }
    return json.dumps([task], ensure_ascii=False).encode()
