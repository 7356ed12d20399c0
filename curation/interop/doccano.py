"""doccano's JSONL exports: sequence labelling (`label`: [[start, end, label]])
and the relation format (`entities` with `start_offset`/`end_offset`, and
`relations` with `from_id`, `to_id`, `type`). Each line carries its text: the
line's document, matched in the project by checksum (or its metadata), and
created from the line when the project lacks it."""

from .items import ClaimItem, EvidenceItem, ParsedFile, bad_file
from .reading import is_zip, json_lines, load_json, zip_members
from .spans import carried_document, span_in

KNOWN = {"id", "text", "data", "label", "labels", "entities", "relations", "Comments", "meta"}


def parse(data: bytes, name: str) -> ParsedFile:
    parsed = ParsedFile()
    if is_zip(data):
        members = {n: d for n, d in zip_members(data).items() if n.endswith((".jsonl", ".json"))}
        if not members:
            raise bad_file("The zip holds no .jsonl file.")
        for member, content in sorted(members.items()):
            _parse_file(content, member, parsed)
    else:
        _parse_file(data, name, parsed)
    if not parsed.claims:
        raise bad_file("No labelled spans found (expected doccano's JSONL export).", where=name)
    return parsed


def _parse_file(data: bytes, name: str, parsed: ParsedFile) -> None:
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):  # doccano's "JSON" export: one array
        records = load_json(data, name)
        lines = enumerate(records, start=1)
        where = "record"
    else:
        lines = json_lines(data, name)
        where = "line"
    for number, record in lines:
        _read(record, f"{name}, {where} {number}", parsed)


def _read(record, where: str, parsed: ParsedFile) -> None:
    if not isinstance(record, dict):
        raise bad_file("not a JSON object", where=where)
    text = record.get("text", record.get("data"))
    if not isinstance(text, str) or not text.strip():
        raise bad_file("no text", where=where)
    meta = {k: v for k, v in record.items() if k not in KNOWN}
    if isinstance(record.get("meta"), dict):
        meta.update(record["meta"])
    key = f"{where} (id {record['id']})" if "id" in record else where
    ref, included = carried_document(key, text, meta)
    parsed.documents[key] = included
    if "entities" in record:
        _relation_format(record, key, ref, text, where, parsed)
        return
    spans = record.get("label", record.get("labels", []))
    if not isinstance(spans, list):
        raise bad_file("`label` is not a list", where=where)
    for index, span in enumerate(spans, start=1):
        if isinstance(span, str):
            continue  # text classification: a label of the whole text, no span
        if not (isinstance(span, list) and len(span) == 3 and isinstance(span[2], str)):
            raise bad_file(f"span {index} is not [start, end, label]", where=where)
        start, end, label = span
        parsed.claims.append(
            ClaimItem(
                ref=f"{where}, span {index}",
                key=f"{key}#{index}",
                label=label,
                span=span_in(ref, text, start, end),
                is_span=True,
            )
        )


def _relation_format(record, key, ref, text, where, parsed) -> None:
    entities, relations = record.get("entities"), record.get("relations", [])
    if not isinstance(entities, list) or not isinstance(relations, list):
        raise bad_file("`entities` and `relations` must be lists", where=where)
    for entity in entities:
        if not isinstance(entity, dict) or "id" not in entity:
            raise bad_file("an entity without an id", where=where)
        parsed.claims.append(
            ClaimItem(
                ref=f"{where}, entity {entity['id']}",
                key=f"{key}#{entity['id']}",
                label=str(entity.get("label", "")),
                span=span_in(ref, text, entity.get("start_offset"), entity.get("end_offset")),
                is_span=True,
            )
        )
    for relation in relations:
        if not isinstance(relation, dict) or "from_id" not in relation or "to_id" not in relation:
            raise bad_file("a relation without from_id and to_id", where=where)
        parsed.evidence.append(
            EvidenceItem(
                ref=f"{where}, relation {relation.get('id', '?')}",
                relation=str(relation.get("type", "")) or "related",
                from_key=f"{key}#{relation['from_id']}",
                to_key=f"{key}#{relation['to_id']}",
            )
        )
