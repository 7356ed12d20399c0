"""Pieces shared by the format writers."""

import json
from datetime import datetime

import orjson

from .rows import ClaimRow, PassageRow


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def dumps(data) -> str:
    """Compact, deterministic JSON (keys in the order the writer built them)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_bytes(data, *, line: bool = False) -> bytes:
    """`dumps(data)` in UTF-8, and a newline if `line`.

    orjson writes exactly these bytes, three times faster. What it refuses (a lone
    surrogate, a key that is not a string) goes through json as before, so it is
    written, or fails, as it always did.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE if line else None)
    except orjson.JSONEncodeError:
        return (dumps(data) + ("\n" if line else "")).encode("utf-8")


def document_iri(passage: PassageRow) -> str:
    """A stable identifier for the document: its URL, else its text's checksum."""
    return passage.document_url or f"urn:sha256:{passage.document_sha256}"


def passage_json(passage: PassageRow) -> dict:
    return {
        "id": passage.id,
        "document": {
            "id": passage.document_id,
            "title": passage.document_title,
            "url": passage.document_url,
            "doi": passage.document_doi,
            "sha256": passage.document_sha256,
        },
        "start": passage.start,
        "end": passage.end,
        "exact": passage.exact,
        "prefix": passage.prefix,
        "suffix": passage.suffix,
    }


def claim_json(row: ClaimRow) -> dict:
    """The lossless representation of a claim (the jsonl line)."""
    return {
        "id": row.uuid,
        "statement": row.statement,
        "kind": row.kind,
        "attributed_to": row.attributed_to,
        "topics": row.topics,
        "credibility": row.credibility,
        "source": None
        if row.source_id is None
        else {"id": row.source_id, "name": row.source_name, "reliability": row.source_reliability},
        "source_reliability": row.source_reliability,
        "grade": row.grade,
        "status": row.status,
        "review": {
            "reviewer": row.reviewer,
            "note": row.review_note,
            "reviewed_at": row.reviewed_at,
        },
        "author": row.author,
        "version": row.version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "passage": passage_json(row.passage),
        "evidence": [
            {
                "id": link.uuid,
                "stance": link.stance,
                "note": link.note,
                "author": link.author,
                "passage": passage_json(link.passage),
            }
            for link in row.evidence
        ],
        # Issue 15: only claims that were independently assessed carry the key.
        **({"assessments": [assessment_json(a) for a in row.assessments]}
           if row.assessments else {}),
        # Issue 14: only claims that were discussed carry the key.
        **({"comments": [comment_json(c) for c in row.comments]} if row.comments else {}),
    }  # fmt: skip


def comment_json(comment) -> dict:
    return {
        "id": comment.uuid,
        "parent": comment.parent,
        "author": comment.author,
        "body": comment.body,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "retracted_at": comment.retracted_at,
    }


def assessment_json(assessment) -> dict:
    return {
        "id": assessment.uuid,
        "round": assessment.round,
        "settled": assessment.state,
        "assessor": assessment.assessor,
        "credibility": assessment.credibility,
        "kind": assessment.kind,
        "stances": assessment.stances,
        "submitted_at": assessment.submitted_at,
    }


def agreement_summary(row) -> tuple[int, str]:
    """(number of assessments, how the latest round was settled) for one claim."""
    if not row.assessments:
        return 0, ""
    return len(row.assessments), row.assessments[-1].state


class FormatWriter:
    """Base: open data entries in __init__, write each row, finish after the last."""

    def __init__(self, package, release):
        self.package = package
        self.release = release

    def write(self, row: ClaimRow) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError
