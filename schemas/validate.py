#!/usr/bin/env python3
"""Validates Azure ML / mlgitops YAML files against the JSON Schemas in this folder.

Each file is matched to a schema by its kind: our own `type:` (quota_policy, resource_lock),
else the `$schema` URL, else its shape (the rules the azure-ai-ml SDK and the manifest loader
use: `type: amlcompute`, `type: pipeline`, `trigger` + `create_job`, `command`, conda
`dependencies`/`channels`, an environment's `image`/`build`/`conda_file`). Files of other kinds
(compute instances, endpoints, components, ...) are reported as SKIP and do not fail the run.

Prints one line per file:
    OK    <schema>  <path>
    FAIL  <schema>  <path>        followed by one indented line per error: line, field, message
    SKIP  -         <path>  (<why>)
and exits 1 when any file fails (or does not parse), 2 on bad usage or an invalid schema.

Usage: python3 schemas/validate.py [--schemas DIR] [--check-schemas] [--quiet-skips] PATH...
       PATH is a file or a folder (searched recursively for *.yml / *.yaml).
Needs the `jsonschema` (4.x) and `PyYAML` packages (Debian: python3-jsonschema python3-yaml).
"""

import argparse
import datetime
import json
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

HERE = Path(__file__).resolve().parent

# $schema file names (lower case, without .schema.json / .json) of the kinds we have schemas for.
SCHEMA_URL_KINDS = {
    "amlcompute": "amlcompute",
    "environment": "environment",
    "commandjob": "command-job",
    "pipelinejob": "pipeline-job",
    "schedule": "schedule",
    # this folder's own $id names
    "command-job": "command-job",
    "pipeline-job": "pipeline-job",
    "quota-policy": "quota-policy",
    "resource-lock": "resource-lock",
    "conda": "conda",
}
OWN_TYPES = {"quota_policy": "quota-policy", "resource_lock": "resource-lock"}


def classify(doc):
    """Returns (schema name, None) or (None, why it is skipped)."""
    if not isinstance(doc, dict):
        return None, f"not a mapping ({type(doc).__name__})"
    typ = doc.get("type")
    typ_lower = typ.lower() if isinstance(typ, str) else ""
    if typ in OWN_TYPES:
        return OWN_TYPES[typ], None
    url = doc.get("$schema")
    if isinstance(url, str) and url.strip():
        key = url.strip().rstrip("/").rsplit("/", 1)[-1].lower()
        for suffix in (".schema.json", ".json"):
            if key.endswith(suffix):
                key = key[: -len(suffix)]
        if key in SCHEMA_URL_KINDS:
            return SCHEMA_URL_KINDS[key], None
        if key in ("computeinstance", "vmcompute", "kubernetescompute", "synapsesparkcompute", "sweepjob",
                   "sparkjob", "automljob", "commandcomponent", "pipelinecomponent", "parallelcomponent",
                   "sparkcomponent", "data", "model", "workspace") or key.endswith(("endpoint", "deployment")):
            return None, f"$schema {key}: no schema for this kind"
    if typ_lower == "amlcompute":
        return "amlcompute", None
    if typ_lower in ("computeinstance", "virtualmachine", "kubernetes", "synapsespark"):
        return None, f"compute type {typ_lower}: no schema for this kind"
    if "trigger" in doc and "create_job" in doc:
        return "schedule", None
    if typ == "pipeline" or (typ_lower == "pipeline" and "jobs" in doc):
        return "pipeline-job", None
    if typ_lower == "command" or (typ is None and "command" in doc):
        return "command-job", None
    if typ is None and ("dependencies" in doc or "channels" in doc):
        return "conda", None
    if typ is None and "name" in doc and ("image" in doc or "build" in doc or "conda_file" in doc):
        return "environment", None
    return None, f"unrecognised kind (type: {typ})" if typ is not None else "unrecognised kind"


def to_json(value):
    """PyYAML gives dates and times for unquoted timestamps: JSON Schema sees them as text."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def line_of(node, path):
    """The 1-based line of the YAML node at a JSON path (the deepest one that exists)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if match is None:
                break
            node = match[1]
            line = match[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def undescribed(schema, where="#"):
    """Paths of properties without a description (editors show them on hover). The conditions
    of `if` only test values, so their properties need none."""
    missing = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "if":
                continue
            if key in ("properties", "$defs") and isinstance(value, dict):
                for name, prop in value.items():
                    if key == "properties" and isinstance(prop, dict) and "description" not in prop:
                        missing.append(f"{where}/properties/{name}")
                    missing += undescribed(prop, f"{where}/{key}/{name}")
            else:
                missing += undescribed(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            missing += undescribed(item, f"{where}/{index}")
    return missing


def load_schemas(folder):
    schemas = {}
    for path in sorted(folder.glob("*.schema.json")):
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        missing = undescribed(schema)
        if missing:
            raise SchemaError(f"{path.name}: properties without a description: {', '.join(missing)}")
        schemas[path.name[: -len(".schema.json")]] = Draft202012Validator(schema, format_checker=FormatChecker())
    return schemas


def best_errors(validator, doc):
    """Every error, with anyOf/oneOf failures reduced to their most relevant branch."""
    from jsonschema.exceptions import best_match

    errors = []
    for error in validator.iter_errors(doc):
        if error.context:
            error = best_match([error] + list(error.context)) or error
        errors.append(error)
    return sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])


def describe(error):
    """The path and a readable message: an unknown key points at itself, an enum pattern lists
    its values instead of the regular expression."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in known]
        if unknown:
            return path + [unknown[0]], "unknown key" + ("s " if len(unknown) > 1 else " ") + ", ".join(
                repr(key) for key in unknown)
    if error.validator == "not" and isinstance(error.validator_value, dict) and "description" in error.validator_value:
        return path, error.validator_value["description"]
    if error.validator == "pattern" and error.schema.get("examples"):
        values = ", ".join(error.schema["examples"])
        return path, f"{error.instance!r} is not one of {values} (any letter case)"
    return path, error.message


def yaml_files(paths):
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
        else:
            yield path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="files or folders")
    parser.add_argument("--schemas", default=str(HERE), help="folder with the *.schema.json files")
    parser.add_argument("--check-schemas", action="store_true",
                        help="only check that every schema is valid JSON Schema draft 2020-12")
    parser.add_argument("--quiet-skips", action="store_true", help="do not print SKIP lines")
    args = parser.parse_args(argv)

    try:
        schemas = load_schemas(Path(args.schemas))
    except SchemaError as error:
        print(f"invalid schema: {error.message}")
        return 2
    if args.check_schemas:
        for name, validator in schemas.items():
            print(f"OK    draft-2020-12  {name}.schema.json  {validator.schema.get('$id')}")
        return 0
    if not args.paths:
        parser.error("give at least one file or folder")

    counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
    for path in yaml_files(args.paths):
        text = path.read_text(encoding="utf-8")
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            doc = to_json(yaml.safe_load(text))
        except yaml.YAMLError as error:
            counts["FAIL"] += 1
            print(f"FAIL  {'-':<14} {path}")
            print(f"      YAML does not parse: {str(error).splitlines()[0]}")
            continue
        name, why = classify(doc)
        if name is None:
            counts["SKIP"] += 1
            if not args.quiet_skips:
                print(f"SKIP  {'-':<14} {path}  ({why})")
            continue
        errors = best_errors(schemas[name], doc)
        if not errors:
            counts["OK"] += 1
            print(f"OK    {name:<14} {path}")
            continue
        counts["FAIL"] += 1
        print(f"FAIL  {name:<14} {path}")
        lines = []
        for error in errors:
            path, message = describe(error)
            lines.append((line_of(node, path), ".".join(str(p) for p in path) or "(top level)", message))
        for line, where, message in sorted(lines):
            print(f"      line {line}: {where}: {message}")
    print(f"== {counts['OK']} ok, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
