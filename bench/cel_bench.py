#!/usr/bin/env python3
"""CEL x-kubernetes-validations: time compiled upjet rules on the provider-aws examples
(run by hand; not a test). Reads ../shared in place.

    python bench/cel_bench.py [REPEAT]

Prints: rules compiled and compile time; µs per raw rule execution (one compiled rule, the
library alone, `self` already converted in a shared Context, then the whole spec handed over
as a dict each call: converting `self` into the library costs most); µs per rule inside
`CelRules.evaluate` (our conversion, defaulting, reduction of `self` to the fields the rules
read, walk and Context included); µs per `evaluate(obj)` call.
"""

from __future__ import annotations

import csv
import glob
import os
import sys
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
# this file is named cel.py: keep its directory off sys.path so `import cel` is the library
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
sys.path.insert(0, REPO)

import cel  # noqa: E402

from kustgen.schemas.cel import CelRules, _convert  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.load_all(f, Loader=LOADER) if isinstance(d, dict)]


def main() -> int:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with open(os.path.join(SHARED, "crds", "INDEX.tsv"), encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")
                if r["has_cel_rules"] == "yes" and r["file"].startswith("provider-aws/upjet/")]
    schemas = {}
    for r in rows:
        for d in docs(os.path.join(SHARED, "crds", r["file"])):
            if d.get("kind") == "CustomResourceDefinition":
                for v in d["spec"]["versions"]:
                    schemas[(d["spec"]["group"], v["name"], d["spec"]["names"]["kind"])] = \
                        v["schema"]["openAPIV3Schema"]
    t = time.perf_counter()
    compiled = {k: CelRules(s) for k, s in schemas.items()}
    t_compile = time.perf_counter() - t
    n_rules = sum(len(c.rules) for c in compiled.values())
    print("CRD versions with rules  %d, rules %d, built+compiled in %.1f ms (%.0f µs/rule)"
          % (len(compiled), n_rules, t_compile * 1e3, t_compile * 1e6 / max(n_rules, 1)))

    objs = []
    for path in sorted(glob.glob(os.path.join(SHARED, "examples", "provider-aws", "*", "*", "*", "*.yaml"))):
        for d in docs(path):
            g, _, v = str(d.get("apiVersion", "")).partition("/")
            key = (g, v, d.get("kind"))
            if key in compiled:
                objs.append((compiled[key], d, schemas[key]))
    print("example objects with rules  %d" % len(objs))

    # library alone: each rule sitting on /spec (all upjet "required parameter" rules) on
    # its object's converted spec, one Context per object
    raw = []
    spec_rules = []
    for rules, obj, schema in objs:
        node = rules._tree.properties.get("spec")
        if node is None or not node.rules:
            continue
        spec = _convert(obj, schema, root=True)["spec"]
        ctx = cel.Context(variables={"self": spec})
        raw.extend((r.program, ctx) for r in node.rules)
        spec_rules.append((node.rules, spec))
    t = time.perf_counter()
    for _ in range(repeat):
        for prog, ctx in raw:
            prog.execute(ctx)
    dt = time.perf_counter() - t
    print("raw Program.execute (shared Context)     %7.1f µs/rule-eval" % (dt * 1e6 / (repeat * len(raw))))

    # library alone, naive: the whole converted spec handed over as a dict on every call
    t = time.perf_counter()
    for _ in range(repeat):
        for node_rules, spec in spec_rules:
            for r in node_rules:
                r.program.execute({"self": spec})
    dt = time.perf_counter() - t
    print("raw Program.execute (whole spec as dict) %7.1f µs/rule-eval" % (dt * 1e6 / (repeat * len(raw))))

    # the whole thing
    evals = sum(len(r.rules) for r, _, _ in objs)
    t = time.perf_counter()
    failures = 0
    for _ in range(repeat):
        for rules, obj, _ in objs:
            failures += len(rules.evaluate(obj))
    dt = time.perf_counter() - t
    print("CelRules.evaluate                        %7.1f µs/rule-eval, %7.1f µs/object"
          % (dt * 1e6 / (repeat * evals), dt * 1e6 / (repeat * len(objs))))
    print("results (failed or not evaluated): %d" % (failures // repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
