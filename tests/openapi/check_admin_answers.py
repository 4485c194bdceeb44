#!/usr/bin/env python3
"""Validates every admin answer the end-to-end tests recorded against docs/openapi.yaml.

The e2e harness (tests/harness.cpp) appends each admin exchange to <folder>/*.jsonl when
UCWA_MOCK_TEST_ADMIN_ANSWERS=<folder>: {"method","path","query","status","contentType","body"}.
Each answer must be an operation of the document, with a documented status and content type,
and a JSON body must validate against that response's schema ($refs resolved in the document).
Fails when no answer was recorded, so a harness that stopped recording cannot pass.

Usage: check_admin_answers.py <openapi.yaml> <answers folder> [<scenarios folder>]
With a scenarios folder, each shipped scenario must also validate against the Scenario schema.
"""
import json
import pathlib
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:
    sys.exit(f"check_admin_answers: {missing}: install python3-jsonschema and python3-yaml "
             "(scripts/install-deps.sh python3-jsonschema)")


def validator_for(document, schema):
    # The schema under a root that also holds the document's components, so that its
    # "#/components/..." references resolve in it, whichever jsonschema (4.10 to 4.2x) runs.
    root = {"components": document["components"], "allOf": [schema]}
    return jsonschema.Draft202012Validator(root)


def resolve(document, reference):
    """Follows a local reference such as #/components/responses/BadHost."""
    node = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def describe(error):
    where = "".join(f"[{p!r}]" for p in error.absolute_path) or "(the body)"
    return f"{where}: {error.message}"


def templated_path_item(document, path):
    """The path item whose template ("/__admin/incoming/{number}/say") matches a concrete path."""
    segments = path.split("/")
    for template, item in document["paths"].items():
        parts = template.split("/")
        if "{" in template and len(parts) == len(segments) and all(
                p == s or (p.startswith("{") and p.endswith("}") and s) for p, s in zip(parts, segments)):
            return item
    return None


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    spec_file, folder = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    document = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema({"$defs": document["components"]["schemas"]})
    validators = {}
    failures = []
    checked = 0

    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{file}:{number}"
            try:
                answer = json.loads(line)
            except json.JSONDecodeError as e:
                failures.append(f"{where}: not a JSON line: {e}")
                continue
            checked += 1
            call = f"{answer['method']} {answer['path']}" + (f"?{answer['query']}" if answer["query"] else "")
            status = str(answer["status"])
            path_item = document["paths"].get(answer["path"]) or templated_path_item(document, answer["path"])
            operation = (path_item or {}).get(answer["method"].lower())
            if operation is not None:
                responses = operation["responses"]
            elif path_item is None:
                # A path the document does not list: the router's 404 (described once, in components).
                responses = {"404": {"$ref": "#/components/responses/UnknownPath"}}
            else:
                responses = {"405": {"$ref": "#/components/responses/WrongMethod"}}
            response = responses.get(status) or responses.get("default")
            if response is None:
                failures.append(f"{where}: {call}: status {status} is not documented "
                                f"(documented: {', '.join(responses)})")
                continue
            if "$ref" in response:
                response = resolve(document, response["$ref"])
            content = response.get("content", {})
            media_type = answer["contentType"].split(";")[0].strip().lower()
            if not content:
                if answer["body"]:
                    failures.append(f"{where}: {call} {status}: a body where the document has none")
                continue
            if media_type not in content:
                failures.append(f"{where}: {call} {status}: content type '{answer['contentType']}' is not "
                                f"documented (documented: {', '.join(content)})")
                continue
            schema = content[media_type].get("schema")
            if schema is None:
                continue
            if media_type.endswith("json"):
                try:
                    body = json.loads(answer["body"])
                except json.JSONDecodeError as e:
                    failures.append(f"{where}: {call} {status}: the body is not JSON: {e}")
                    continue
            else:
                body = answer["body"]
            key = (answer["path"], answer["method"].lower(), status, media_type)
            if key not in validators:
                validators[key] = validator_for(document, schema)
            error = jsonschema.exceptions.best_match(validators[key].iter_errors(body))
            if error is not None:
                failures.append(f"{where}: {call} {status}: {describe(error)}")

    scenarios = 0
    if len(sys.argv) == 4:
        scenario_validator = validator_for(document, {"$ref": "#/components/schemas/Scenario"})
        for file in sorted(pathlib.Path(sys.argv[3]).glob("*.json")):
            scenarios += 1
            error = jsonschema.exceptions.best_match(
                scenario_validator.iter_errors(json.loads(file.read_text(encoding="utf-8"))))
            if error is not None:
                failures.append(f"{file}: the Scenario schema refuses it: {describe(error)}")

    if checked == 0:
        failures.append(f"no admin answers recorded in {folder} (run the e2e tests with "
                        "UCWA_MOCK_TEST_ADMIN_ANSWERS set; ctest does)")
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"{checked} admin answers from {len(files)} files and {scenarios} scenarios checked against "
          f"{spec_file}: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
