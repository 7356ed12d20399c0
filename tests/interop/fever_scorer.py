"""The scoring rules of FEVER's official scorer (`fever-scorer`, fever.scorer),
written out here: its package no longer builds on current setuptools.

An instance: `label` and `evidence` (the gold: sets of [annotation_id,
evidence_id, page, line]), `predicted_label`, `predicted_evidence` ([page, line]
pairs, of which the first five count).
"""

NEI = "NOT ENOUGH INFO"
MAX_EVIDENCE = 5


def _check_format(instance: dict) -> None:
    for prediction in instance["predicted_evidence"]:
        assert isinstance(prediction, list) and len(prediction) == 2, prediction
        assert isinstance(prediction[0], str), "a page is a string"
        assert isinstance(prediction[1], int) and not isinstance(prediction[1], bool), (
            "a line is an integer"
        )


def _label_correct(instance: dict) -> bool:
    return instance["label"].upper() == instance["predicted_label"].upper()


def _group_found(group: list, predicted: list) -> bool:
    return all([item[2], item[3]] in predicted for item in group)


def _strictly_correct(instance: dict, predicted: list) -> bool:
    if not _label_correct(instance):
        return False
    if instance["label"].upper() == NEI:
        return True
    return any(_group_found(group, predicted) for group in instance["evidence"])


def _precision(instance: dict, predicted: list) -> tuple[float, int]:
    if instance["label"].upper() == NEI:
        return 0.0, 0
    gold = [
        [item[2], item[3]]
        for group in instance["evidence"]
        for item in group
        if item[3] is not None
    ]
    if not predicted:
        return 1.0, 1
    return sum(1.0 for p in predicted if p in gold) / len(predicted), 1


def _recall(instance: dict, predicted: list) -> tuple[float, int]:
    if instance["label"].upper() == NEI:
        return 0.0, 0
    if not instance["evidence"] or all(not group for group in instance["evidence"]):
        return 1.0, 1
    found = any(_group_found(group, predicted) for group in instance["evidence"])
    return (1.0 if found else 0.0), 1


def fever_score(instances: list[dict]) -> dict[str, float]:
    """strict (the FEVER score), accuracy, macro precision, recall and F1."""
    strict = correct = 0.0
    precision = precision_hits = recall = recall_hits = 0.0
    for instance in instances:
        _check_format(instance)
        predicted = instance["predicted_evidence"][:MAX_EVIDENCE]
        if _label_correct(instance):
            correct += 1
            strict += _strictly_correct(instance, predicted)
        value, hits = _precision(instance, predicted)
        precision, precision_hits = precision + value, precision_hits + hits
        value, hits = _recall(instance, predicted)
        recall, recall_hits = recall + value, recall_hits + hits
    total = len(instances)
    pr = precision / precision_hits if precision_hits else 1.0
    rec = recall / recall_hits if recall_hits else 0.0
    f1 = 2 * pr * rec / (pr + rec) if pr + rec else 0.0
    return {
        "strict": strict / total,
        "accuracy": correct / total,
        "precision": pr,
        "recall": rec,
        "f1": f1,
    }
