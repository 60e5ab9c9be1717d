"""The shipped JSON Schema and the run-time validator agree; importing annotations is light."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import jsonschema
import pytest

from annotations import (
    AnnotationSet,
    canonical_json,
    make_annotation,
    sidecar_schema,
    validate_sidecar,
)
from annotations.validate import SidecarInvalid
from tests.paths import ROOT
from tests.schema_checks import refused_by_both

TEXT = "أعلنت الوزارة عن خطة جديدة للأمن الغذائي."


def valid_sidecar() -> dict:
    state = AnnotationSet.empty("x.txt", TEXT).added(make_annotation(TEXT, 0, 5, tags=["quote"]))
    return json.loads(canonical_json(state))


def broken(change) -> dict:
    data = copy.deepcopy(valid_sidecar())
    change(data)
    return data


CASES = {
    "no-format": lambda d: d.pop("format"),
    "wrong-format": lambda d: d.update(format="other"),
    "version-string": lambda d: d.update(version="1"),
    "document-not-object": lambda d: d.update(document=[]),
    "bad-sha": lambda d: d["document"].update(sha256="xyz"),
    "negative-length": lambda d: d["document"].update(length=-1),
    "annotations-object": lambda d: d.update(annotations={}),
    "id-missing": lambda d: d["annotations"][0].pop("id"),
    "id-empty": lambda d: d["annotations"][0].update(id=""),
    "start-string": lambda d: d["annotations"][0].update(start="0"),
    "start-negative": lambda d: d["annotations"][0].update(start=-1),
    "tags-not-list": lambda d: d["annotations"][0].update(tags="quote"),
    "tag-not-string": lambda d: d["annotations"][0].update(tags=[1]),
    "note-number": lambda d: d["annotations"][0].update(note=3),
    "bad-status": lambda d: d["annotations"][0].update(status="lost"),
    "start-bool": lambda d: d["annotations"][0].update(start=True),
}


def test_valid_sidecar_passes_both():
    data = valid_sidecar()
    jsonschema.validate(data, sidecar_schema())
    validate_sidecar(data)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_invalid_sidecars_fail_both(case):
    data = broken(CASES[case])
    assert refused_by_both(data).startswith("$")


def test_rules_beyond_the_schema_name_the_json_path():
    data = broken(lambda d: d["annotations"][0].update(end=999))
    with pytest.raises(SidecarInvalid) as error:
        validate_sidecar(data)
    assert error.value.path == "$.annotations[0].end"
    data = broken(lambda d: d["annotations"].append(dict(d["annotations"][0])))
    with pytest.raises(SidecarInvalid, match="duplicate id"):
        validate_sidecar(data)


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(sidecar_schema())


def test_docs_example_is_valid():
    text = (ROOT / "docs" / "sidecar.md").read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    data = json.loads(example)
    jsonschema.validate(data, sidecar_schema())
    validate_sidecar(data)


def test_importing_annotations_does_not_import_textual():
    probe = "import sys, annotations, annotations.store; assert 'textual' not in sys.modules"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
