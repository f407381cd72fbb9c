"""Schema validation for the render tests: python3-jsonschema (Draft 2020-12)
when installed (scripts/bootstrap adds it), else a JSON-Schema subset checker
covering the keywords the report schemas use."""
import json
import re

try:
    import jsonschema
except ImportError:  # the subset below still validates
    jsonschema = None

# ---- a JSON-Schema subset (draft 2020-12/07 keywords the report schema uses)
class Invalid(Exception):
    pass


def validate(inst, schema, root, path="$"):
    if schema is True or schema == {}:
        return
    if schema is False:
        raise Invalid(f"{path}: not allowed")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise Invalid(f"{path}: unsupported $ref {ref}")
        target = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        validate(inst, target, root, path)
    types = schema.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        ok = False
        for t in types:
            ok |= (t == "object" and isinstance(inst, dict)) or (t == "array" and isinstance(inst, list)) \
                or (t == "string" and isinstance(inst, str)) or (t == "null" and inst is None) \
                or (t == "boolean" and isinstance(inst, bool)) \
                or (t == "integer" and isinstance(inst, int) and not isinstance(inst, bool)) \
                or (t == "integer" and isinstance(inst, float) and inst.is_integer()) \
                or (t == "number" and isinstance(inst, (int, float)) and not isinstance(inst, bool))
        if not ok:
            raise Invalid(f"{path}: {json.dumps(inst)[:60]} is not of type {types}")
    if "enum" in schema and inst not in schema["enum"]:
        raise Invalid(f"{path}: {inst!r} not in {schema['enum']}")
    if "const" in schema and inst != schema["const"]:
        raise Invalid(f"{path}: {inst!r} != {schema['const']!r}")
    if isinstance(inst, (int, float)) and not isinstance(inst, bool):
        if "minimum" in schema and inst < schema["minimum"]:
            raise Invalid(f"{path}: {inst} < {schema['minimum']}")
        if "maximum" in schema and inst > schema["maximum"]:
            raise Invalid(f"{path}: {inst} > {schema['maximum']}")
    if isinstance(inst, str):
        if "minLength" in schema and len(inst) < schema["minLength"]:
            raise Invalid(f"{path}: shorter than {schema['minLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], inst):
            raise Invalid(f"{path}: {inst!r} does not match {schema['pattern']}")
    if isinstance(inst, dict):
        for k in schema.get("required", []):
            if k not in inst:
                raise Invalid(f"{path}: missing required '{k}'")
        props = schema.get("properties", {})
        for k, v in inst.items():
            if k in props:
                validate(v, props[k], root, f"{path}.{k}")
            elif "additionalProperties" in schema:
                validate(v, schema["additionalProperties"], root, f"{path}.{k}")
    if isinstance(inst, list):
        if "minItems" in schema and len(inst) < schema["minItems"]:
            raise Invalid(f"{path}: fewer than {schema['minItems']} items")
        if "items" in schema and isinstance(schema["items"], dict):
            for i, v in enumerate(inst):
                validate(v, schema["items"], root, f"{path}[{i}]")
    for key in ("allOf", "anyOf", "oneOf"):
        if key not in schema:
            continue
        ok = 0
        errs = []
        for sub in schema[key]:
            try:
                validate(inst, sub, root, path)
                ok += 1
            except Invalid as ex:
                errs.append(str(ex))
        if (key == "allOf" and ok != len(schema[key])) or (key == "anyOf" and ok == 0) or (key == "oneOf" and ok != 1):
            raise Invalid(f"{path}: {key} failed: {'; '.join(errs)[:300]}")


def valid(doc, schema):
    if jsonschema is not None:
        try:
            jsonschema.Draft202012Validator(schema).validate(doc)
            return True, ""
        except jsonschema.ValidationError as ex:
            return False, f"{'/'.join(str(p) for p in ex.absolute_path)}: {ex.message[:200]}"
    try:
        validate(doc, schema, schema)
        return True, ""
    except Invalid as ex:
        return False, str(ex)


def valid_subset(doc, schema):
    """The built-in checker alone (tested on its own so the fallback stays honest)."""
    try:
        validate(doc, schema, schema)
        return True, ""
    except Invalid as ex:
        return False, str(ex)


