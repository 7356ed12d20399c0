"""Label Studio's JSON export: tasks with `data` (the text), `annotations`
whose `result` holds `labels` regions (`value`: start, end, text, labels) and
`relation`s (`from_id`, `to_id`, `direction`, `labels`)."""

from .items import ClaimItem, EvidenceItem, ParsedFile, bad_file
from .reading import is_zip, load_json, pick_member, zip_members
from .spans import carried_document, span_in


def parse(data: bytes, name: str) -> ParsedFile:
    if is_zip(data):
        name, data = pick_member(zip_members(data), (), (".json",))
    tasks = load_json(data, name)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise bad_file("expected a list of tasks (Label Studio's JSON export)", where=name)
    parsed = ParsedFile()
    for number, task in enumerate(tasks, start=1):
        _task(task, f"{name}, task {number}", parsed)
    if not parsed.claims:
        raise bad_file("No labelled text regions found.", where=name)
    return parsed


def _text_of(data: dict) -> str | None:
    if isinstance(data.get("text"), str):
        return data["text"]
    texts = [value for value in data.values() if isinstance(value, str)]
    return max(texts, key=len) if texts else None


def _task(task, where: str, parsed: ParsedFile) -> None:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise bad_file("a task without `data`", where=where)
    text = _text_of(task["data"])
    if not text or not text.strip():
        raise bad_file("a task without text", where=where)
    if "id" in task:
        where = f"{where} (id {task['id']})"
    meta = {**(task.get("meta") or {}), **task["data"]}
    meta.pop("text", None)
    ref, included = carried_document(where, text, meta)
    parsed.documents[where] = included
    annotations = task.get("annotations", task.get("completions", []))
    if not isinstance(annotations, list):
        raise bad_file("`annotations` is not a list", where=where)
    for number, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise bad_file(f"annotation {number} is not an object", where=where)
        if annotation.get("was_cancelled"):
            continue
        results = annotation.get("result", [])
        if not isinstance(results, list):
            raise bad_file(f"annotation {number}: `result` is not a list", where=where)
        scope = f"{where}, annotation {annotation.get('id', number)}"
        for result in results:
            _result(result, scope, ref, text, parsed)


def _result(result, scope: str, ref, text: str, parsed: ParsedFile) -> None:
    if not isinstance(result, dict):
        raise bad_file("a result is not an object", where=scope)
    kind = result.get("type")
    if kind == "relation":
        labels = [label for label in result.get("labels") or [] if isinstance(label, str)]
        from_key, to_key = f"{scope}#{result.get('from_id')}", f"{scope}#{result.get('to_id')}"
        if result.get("direction") == "left":
            from_key, to_key = to_key, from_key
        parsed.evidence.append(
            EvidenceItem(
                ref=f"{scope}, relation {result.get('from_id')}→{result.get('to_id')}",
                relation=labels[0] if labels else "related",
                from_key=from_key,
                to_key=to_key,
            )
        )
        return
    value = result.get("value")
    if kind != "labels" or not isinstance(value, dict):
        return  # choices, ratings, text areas: not spans of the text
    labels = [label for label in value.get("labels") or [] if isinstance(label, str)]
    quote = value.get("text") if isinstance(value.get("text"), str) else None
    parsed.claims.append(
        ClaimItem(
            ref=f"{scope}, region {result.get('id', '?')}",
            key=f"{scope}#{result.get('id')}",
            label=labels[0] if labels else "span",
            span=span_in(ref, text, value.get("start"), value.get("end"), quote),
            is_span=True,
        )
    )
