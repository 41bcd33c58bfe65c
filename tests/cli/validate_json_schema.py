"""Validates JSON documents against a JSON Schema (Debian's python3-jsonschema).

Usage: validate_json_schema.py SCHEMA DOCUMENT...
Exit 0 when every document is valid; 1 with the first error of each invalid one; 77 (ctest:
skipped) when the jsonschema module is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: e.path)
    if errors:
        bad += 1
        print(f"{path}: {errors[0].message} at {list(errors[0].path)}")
    else:
        print(f"{path}: valid")
# The schema must also reject what it should: a report with an unknown status.
doc = json.load(open(sys.argv[2]))
if doc.get("checks"):
    doc["checks"][0]["status"] = "maybe"
    if validator.is_valid(doc):
        print("the schema accepted status 'maybe': it checks nothing")
        bad += 1
sys.exit(1 if bad else 0)
