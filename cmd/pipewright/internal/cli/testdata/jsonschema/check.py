#!/usr/bin/env python3
"""Validate pipewright directory files with Python's jsonschema, a JSON
Schema implementation independent of the engine's own library.

Usage: check.py SCHEMA_DIR KIND=FILE...
KIND is project, pipeline, mapping or test: FILE is checked against
SCHEMA_DIR/KIND.v1.json (as `pipewright schema -write` writes them).
Prints one line per violation, FILE: /instance/path: message, and exits 1
when there is any.
"""
import json
import re
import sys

import jsonschema
import yaml


class Loader(yaml.SafeLoader):
    """YAML 1.2 core scalars, as the engine reads them: dates stay strings,
    and only true/false are booleans (PyYAML follows YAML 1.1)."""


Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def main(args):
    schema_dir, pairs = args[0], args[1:]
    validators = {}
    failed = False
    for pair in pairs:
        kind, path = pair.split("=", 1)
        if kind not in validators:
            with open(f"{schema_dir}/{kind}.v1.json", encoding="utf-8") as f:
                schema = json.load(f)
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[kind] = cls(schema)
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=Loader)
        for err in sorted(validators[kind].iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = "/" + "/".join(str(p) for p in err.absolute_path)
            print(f"{path}: {where}: {err.message}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
