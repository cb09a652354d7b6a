"""Reads JSON Lines payloads on stdin; prints one verdict per line (1 valid, 0 invalid) as judged
by Python's `jsonschema` (Draft 2020-12) over the documents in schemas/, loaded by their $id."""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource

schemas = pathlib.Path(__file__).resolve().parents[2] / "schemas"
docs = [json.loads(p.read_text()) for p in sorted(schemas.glob("*.schema.json")) if p.name != "report.schema.json"]
registry = Registry().with_resources((d["$id"], Resource.from_contents(d)) for d in docs)
root = next(d for d in docs if d["$id"].endswith("/order-id-response.schema.json"))
validator = jsonschema.Draft202012Validator(root, registry=registry)

out = []
for line in sys.stdin:
    out.append("1" if validator.is_valid(json.loads(line)) else "0")
sys.stdout.write("\n".join(out) + "\n")
