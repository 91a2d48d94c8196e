"""KG401: label keys and values, annotation keys, selectors, namespaces and the names of
kinds that need a DNS label, that the API server rejects."""

from __future__ import annotations

import functools
import re

from kustgen.lint.rule import ALL, Hit, Rule
from kustgen.model import Severity

_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")

# kinds whose metadata.name is a DNS label, stricter than the DNS subdomain of most kinds
# (Kubernetes' ValidateNamespaceName / ValidateServiceName): kind -> (regex, description)
LABEL_NAMED = {
    "Namespace": (_DNS1123_LABEL, "a DNS-1123 label: at most 63 lower-case letters, digits "
                                  "and '-', no dots, starting and ending with a letter or "
                                  "digit"),
    "Service": (_DNS1035_LABEL, "an RFC 1035 label: at most 63 lower-case letters, digits "
                                "and '-', no dots, starting with a letter and ending with "
                                "a letter or digit"),
}


def placeholder(v) -> bool:
    """A value substituted later (Crossplane / Flux ${...}, ApplicationSet {{...}})."""
    return isinstance(v, str) and ("${" in v or "{{" in v)


def key_problem(k) -> str | None:
    """Why ``k`` is not a valid label or annotation key (a qualified name), or None."""
    if not isinstance(k, str):
        return "is not a string"
    return _key_problem(k)


@functools.lru_cache(maxsize=4096)
def _key_problem(k: str) -> str | None:
    # the same few keys repeat on every resource of every overlay: check each once
    if placeholder(k):
        return None
    parts = k.split("/")
    if len(parts) > 2:
        return "has more than one '/' (an optional DNS-subdomain prefix, '/', a name)"
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            return "has an empty prefix before '/'"
        if len(prefix) > 253 or not _SUBDOMAIN.match(prefix):
            return ("has an invalid prefix %r (a DNS subdomain: lower-case letters, digits, "
                    "'-' and '.', at most 253 characters)" % prefix)
    if not name:
        return "has an empty name"
    if len(name) > 63:
        return "has a name of %d characters (at most 63)" % len(name)
    if not _NAME.match(name):
        return ("has an invalid name %r (letters, digits, '-', '_' and '.', starting and "
                "ending with a letter or digit)" % name)
    return None


def value_problem(v) -> str | None:
    """Why ``v`` is not a valid label value, or None."""
    if not isinstance(v, str):
        return "is not a string (%s): quote it" % ("null" if v is None else type(v).__name__)
    return _value_problem(v)


@functools.lru_cache(maxsize=4096)
def _value_problem(v: str) -> str | None:
    if placeholder(v) or v == "":
        return None
    if len(v) > 63:
        return "has %d characters (at most 63)" % len(v)
    if not _NAME.match(v):
        return ("has an invalid value %r (letters, digits, '-', '_' and '.', starting and "
                "ending with a letter or digit, or empty)" % v)
    return None


def _selectors(node, path: tuple, out: list, depth: int = 0) -> None:
    """Label selectors (``selector`` / ``*Selector`` with matchLabels or matchExpressions)
    under ``node``."""
    if depth > 40:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, dict) and isinstance(k, str) and (
                    k == "selector" or k.endswith("Selector")) and (
                    "matchLabels" in v or "matchExpressions" in v):
                out.append((v, path + (k,)))
            _selectors(v, path + (k,), out, depth + 1)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _selectors(v, path + (i,), out, depth + 1)


class InvalidK8sName(Rule):
    id = "KG401"
    name = "invalid-k8s-name"
    category = "general"
    summary = "A label, annotation key, selector, namespace or DNS-label name the API " \
              "server rejects"
    severity = Severity.ERROR
    environments = ALL
    doc = """\
Kubernetes validates label keys and values, annotation keys and some names more
strictly than YAML does, and rejects the whole object when one is wrong; with Argo CD the
sync fails (often only in the cluster, after the merge):

- label and annotation keys: an optional DNS-subdomain prefix (at most 253 characters)
  and `/`, then a name of at most 63 characters: letters, digits, `-`, `_`, `.`,
  starting and ending with a letter or digit;
- label values: at most 63 characters of the same set, or empty; a string (quote
  `"true"` and `"1"`); annotation values must be strings too;
- label selectors (`matchLabels`, `matchExpressions`, a Service's `selector`, Crossplane
  `*Selector` fields) and `spec.template.metadata.labels`: the same rules;
- `metadata.namespace`, and the names of Namespaces: DNS-1123 labels (at most 63
  characters, no dots); Service names: RFC 1035 labels (they must also start with a
  letter). Other names are DNS subdomains, which `kustgen validate` checks
  (invalid-name).

Values holding `${...}` (Crossplane, Flux substitutions) or `{{...}}` (ApplicationSet
parameters) are taken as valid. Fix: shorten or rename the key or value; move long or
free-form text to an annotation value.
"""
    bad = {
        "kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "bucket.yaml": """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices
  labels:
    platform.example.org/cost center: finance
spec:
  forProvider:
    region: eu-west-1
""",
    }
    good = {
        "kustomization.yaml": "resources:\n  - bucket.yaml\n",
        "bucket.yaml": bad["bucket.yaml"].replace("cost center", "cost-center"),
    }

    def check(self, ctx, opts):
        for ov, res in ctx.resources():
            overlay = ov.path if ov is not None else ""
            obj = res.obj
            what = "%s %s" % (res.kind or "object", res.name or "?")
            md = obj.get("metadata")
            md = md if isinstance(md, dict) else {}

            def hit(msg, path):
                return Hit("%s: %s" % (what, msg), resource=res, path=path, overlay=overlay)

            yield from self._labels(md.get("labels"), ("metadata", "labels"), "label", hit)
            ann = md.get("annotations")
            if isinstance(ann, dict):
                for k, v in ann.items():
                    p = key_problem(k)
                    if p:
                        yield hit("annotation key %r %s" % (k, p), ("metadata", "annotations", k))
                    elif not isinstance(v, str) and v is not None:
                        yield hit("annotation %s is not a string (%s): quote it"
                                  % (k, type(v).__name__), ("metadata", "annotations", k))
            ns = md.get("namespace")
            if isinstance(ns, str) and ns and not placeholder(ns) and (
                    len(ns) > 63 or not _DNS1123_LABEL.match(ns)):
                yield hit("metadata.namespace %r is not a valid namespace name (a DNS-1123 "
                          "label: at most 63 lower-case letters, digits and '-', no dots)"
                          % ns, ("metadata", "namespace"))
            rule = LABEL_NAMED.get(res.kind) if res.api_version == "v1" else None
            name = md.get("name")
            if rule and isinstance(name, str) and name and not placeholder(name) and \
                    len(name) <= 253 and _SUBDOMAIN.match(name) and (
                    len(name) > 63 or not rule[0].match(name)):
                # names that are not even DNS subdomains: validate reports them
                yield hit("metadata.name %r is not valid for a %s: it must be %s"
                          % (name, res.kind, rule[1]), ("metadata", "name"))
            spec = obj.get("spec")
            if not isinstance(spec, dict):
                continue
            sels: list = []
            walk = spec
            if res.kind == "ApplicationSet":
                # generator selectors filter parameter values (server URLs), not labels
                walk = {k: v for k, v in spec.items() if k != "generators"}
            _selectors(walk, ("spec",), sels)
            for sel, sp in sels:
                yield from self._labels(sel.get("matchLabels"), sp + ("matchLabels",),
                                        "selector label", hit)
                exprs = sel.get("matchExpressions")
                for i, e in enumerate(exprs if isinstance(exprs, list) else []):
                    if not isinstance(e, dict):
                        continue
                    p = key_problem(e.get("key")) if "key" in e else None
                    if p:
                        yield hit("selector key %r %s" % (e.get("key"), p),
                                  sp + ("matchExpressions", i, "key"))
                    vals = e.get("values")
                    for j, x in enumerate(vals if isinstance(vals, list) else []):
                        p = value_problem(x)
                        if p:
                            yield hit("selector value %r %s" % (x, p),
                                      sp + ("matchExpressions", i, "values", j))
            if res.kind in ("Service", "ReplicationController") and isinstance(
                    spec.get("selector"), dict) and "matchLabels" not in spec["selector"]:
                yield from self._labels(spec["selector"], ("spec", "selector"),
                                        "selector label", hit)
            tmpl = spec.get("template")
            if isinstance(tmpl, dict) and isinstance(tmpl.get("metadata"), dict):
                yield from self._labels(tmpl["metadata"].get("labels"),
                                        ("spec", "template", "metadata", "labels"),
                                        "template label", hit)

    @staticmethod
    def _labels(labels, path: tuple, what: str, hit):
        if not isinstance(labels, dict):
            return
        for k, v in labels.items():
            p = key_problem(k)
            if p:
                yield hit("%s key %r %s" % (what, k, p), path + (k,))
                continue
            p = value_problem(v)
            if p:
                yield hit("%s %s %s" % (what, k, p), path + (k,))


RULE = InvalidK8sName
