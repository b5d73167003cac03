#!/usr/bin/env bash
# Fills corpus/generate with seeds: the project's fixture documents, and slices of the PeerTube
# document (a few paths with the schemas they use). The slices stay out of git: the PeerTube
# document is not ours to redistribute.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/generate
cp ../../spec/fixtures/*.yaml corpus/generate/
spec="${1:-../../../shared/spec/peertube-8.1.0.openapi.json}"
python3 - "$spec" <<'PY'
import json, sys, re
doc = json.load(open(sys.argv[1]))
schemas = doc["components"]["schemas"]
def refs(node, out):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.split("/")[3]
            if name not in out:
                out.add(name)
                refs(schemas.get(name), out)
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)
paths = list(doc["paths"].items())
for i in range(0, len(paths), 8):
    chunk = dict(paths[i:i + 8])
    needed = set()
    refs(chunk, needed)
    for p in doc["components"].get("parameters", {}).values():
        pass
    params = doc["components"].get("parameters", {})
    text = json.dumps(chunk)
    used_params = {k: v for k, v in params.items() if f"#/components/parameters/{k}\"" in text}
    refs(used_params, needed)
    out = {
        "openapi": "3.0.3",
        "info": {"title": "slice", "version": "1"},
        "paths": chunk,
        "components": {"schemas": {k: schemas[k] for k in needed if k in schemas}, "parameters": used_params,
                       "securitySchemes": doc["components"].get("securitySchemes", {})},
    }
    open(f"corpus/generate/peertube-slice-{i // 8:03}.json", "w").write(json.dumps(out))
PY
ls corpus/generate | wc -l
