"""kubeconform ``-schema-location`` compatible schema source.

A location is a Go text/template of a URL or a local path, expanded per (apiVersion, kind)
with these fields (kubeconform's semantics):

``NormalizedKubernetesVersion``  "master", or "v" + the version ("v1.32.0")
``StrictSuffix``                 "-strict" when strict, else ""
``ResourceKind``                 the kind, lower-cased
``ResourceAPIVersion``           what follows the last "/" of apiVersion ("v1beta1"; "v1")
``Group``                        what precedes the first "/" (for core "v1" it is "v1")
``KindSuffix``                   "-" + first dot-label of the group, lower-cased, then
                                 "-" + the version when apiVersion has a "/":
                                 apps/v1 -> "-apps-v1", v1 -> "-v1",
                                 sagemaker.aws.amazon.com/v1 -> "-sagemaker-v1"

``default`` names the yannh/kubernetes-json-schema catalogue; a location that does not end
in "json" gets ``/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/
{{ .ResourceKind }}{{ .KindSuffix }}.json`` appended. Locations starting with "http" are
fetched through a :class:`~kustgen.schemas.fetch.Fetcher` (and its cache); anything else is
a local path. The schemas found are used as they are (the catalogue's ``-strict`` variants
are already closed): no CRD conversion. Their ``$ref``s are resolved through the same
fetcher, relative to the schema's own location.
"""

from __future__ import annotations

import os
import re

from kustgen.model.errors import ConfigError, KustgenError
from kustgen.schemas.fetch import FetchError, Fetcher, is_remote, path_to_uri
from kustgen.schemas.registry import SchemaEntry

__all__ = ["LocationSource", "DEFAULT_LOCATION", "TEMPLATE_FIELDS", "normalize_location",
           "template_values", "expand", "check_template"]

_SUFFIX = ("/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
           "/{{ .ResourceKind }}{{ .KindSuffix }}.json")
DEFAULT_LOCATION = ("https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master"
                    + _SUFFIX)
TEMPLATE_FIELDS = ("NormalizedKubernetesVersion", "StrictSuffix", "ResourceKind",
                   "ResourceAPIVersion", "Group", "KindSuffix")

_ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
_FIELD = re.compile(r"^\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*$")


def normalize_location(location: str) -> str:
    """``default`` -> the catalogue URL template; a location not ending in "json" gets the
    catalogue's path layout appended (as kubeconform does)."""
    if location == "default":
        return DEFAULT_LOCATION
    if not location.endswith("json"):
        return location.rstrip("/") + _SUFFIX
    return location


def template_values(api_version: str, kind: str, kubernetes_version: str = "master",
                    strict: bool = True) -> dict:
    """The template fields for one (apiVersion, kind)."""
    kv = kubernetes_version or "master"
    if kv != "master":
        kv = "v" + kv[1:] if kv[:1] in ("v", "V") else "v" + kv
    parts = api_version.split("/")
    suffix = "-" + parts[0].split(".")[0].lower()
    if len(parts) > 1:
        suffix += "-" + parts[1].lower()
    return {
        "NormalizedKubernetesVersion": kv,
        "StrictSuffix": "-strict" if strict else "",
        "ResourceKind": kind.lower(),
        "ResourceAPIVersion": parts[-1],
        "Group": parts[0],
        "KindSuffix": suffix,
    }


def _fail(template: str, problem: str) -> ConfigError:
    return ConfigError("failed initialising schema location registry: template %r: %s"
                       % (template, problem))


def check_template(template: str) -> None:
    """Raise :class:`ConfigError` ("failed initialising schema location ...") unless every
    ``{{ ... }}`` action of ``template`` is one of the known fields."""
    rest = _ACTION.sub("", template)
    if "{{" in rest:
        raise _fail(template, "unclosed action (missing \"}}\")")
    for m in _ACTION.finditer(template):
        inner = m.group(1)
        f = _FIELD.match(inner)
        if not f:
            raise _fail(template, "unsupported action {{%s}}: only {{ .Field }} is supported "
                        "(fields: %s)" % (inner, ", ".join(TEMPLATE_FIELDS)))
        if f.group(1) not in TEMPLATE_FIELDS:
            raise _fail(template, "can't evaluate field %s (known fields: %s)"
                        % (f.group(1), ", ".join(TEMPLATE_FIELDS)))


def expand(template: str, values: dict) -> str:
    """Substitute the ``{{ .Field }}`` actions (the template must pass
    :func:`check_template`)."""
    return _ACTION.sub(lambda m: str(values[_FIELD.match(m.group(1)).group(1)]), template)


class LocationSource:
    """Schemas from one kubeconform-style schema location; see the module documentation.

    ``lookup`` returns None when the location has no schema for the kind; problems (an
    unreachable server, a file that is not JSON, an unresolvable ``$ref``) also return None
    so the next source is tried, but are recorded in ``errors`` (KustgenError, each naming
    the URL or file).
    """

    def __init__(self, template: str, *, kubernetes_version: str = "master",
                 strict: bool = True, fetcher: Fetcher | None = None,
                 base_dir: str | None = None):
        self.location = template
        self.template = normalize_location(template)
        check_template(self.template)
        self.kubernetes_version = kubernetes_version or "master"
        self.strict = strict
        self.remote = is_remote(self.template)
        self.fetcher = fetcher if fetcher is not None else Fetcher(None)
        self.base_dir = base_dir
        self.errors: list[KustgenError] = []
        self._memo: dict = {}
        # validate once with sample values, as kubeconform does
        self.url_for("apps/v1", "Deployment")

    def __repr__(self) -> str:
        return "LocationSource(%r)" % self.location

    def describe(self) -> str:
        return "schema location %s" % self.location

    def url_for(self, api_version: str, kind: str) -> str:
        """The expanded URL or (absolute) local path for one (apiVersion, kind)."""
        s = expand(self.template, template_values(api_version, kind, self.kubernetes_version,
                                                  self.strict))
        if self.remote or s.lower().startswith("file:"):
            return s
        s = os.path.expanduser(s)
        if not os.path.isabs(s):
            s = os.path.join(self.base_dir or os.getcwd(), s)
        return os.path.normpath(s)

    def lookup(self, api_version: str, kind: str) -> SchemaEntry | None:
        key = (api_version, kind)
        try:
            return self._memo[key]
        except KeyError:
            pass
        entry = self._load(api_version, kind)
        self._memo[key] = entry
        return entry

    # ------------------------------------------------------------------

    def _load(self, api_version: str, kind: str) -> SchemaEntry | None:
        url = self.url_for(api_version, kind)
        try:
            schema = self.fetcher.get_json(url)
        except FetchError as e:
            self.errors.append(e)
            return None
        if schema is None:
            return None
        schema = _without_meta(schema)
        base_uri = url if self.remote or url.lower().startswith("file:") else path_to_uri(url)
        failures: list = []
        entry = SchemaEntry(api_version, kind, source=url, schema=schema, strict=self.strict,
                            base_uri=base_uri,
                            retriever=self._retriever(base_uri, failures))
        try:
            entry.compile()  # resolves every $ref now, so a broken one is reported here
        except Exception as e:  # jsonschema_rs.ValidationError and friends
            if failures:
                err = failures[0]
            else:
                msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                err = KustgenError("invalid schema for %s %s at %s: %s"
                                   % (api_version, kind, url, msg), url)
            self.errors.append(err)
            return None
        return entry

    def _retriever(self, base_uri: str, failures: list):
        fetcher = self.fetcher
        remote = is_remote(base_uri)

        def retrieve(uri: str) -> dict:
            try:
                if remote and not is_remote(uri):
                    raise FetchError("%s (referenced from %s) is not an http(s) URL: a remote "
                                     "schema may only refer to remote documents"
                                     % (uri, base_uri), uri)
                doc = fetcher.get_json(uri)
                if doc is None:
                    raise FetchError("%s (referenced from %s) does not exist"
                                     % (uri, base_uri), uri)
            except FetchError as e:
                failures.append(e)
                raise
            return _without_meta(doc)

        return retrieve


def _without_meta(doc):
    """Catalogue schemas name loose meta-schemas (``"$schema": "http://json-schema.org/
    schema#"``); the validator would try to download them. Every schema is applied as
    draft 7 (as kubeconform does), so the declaration is dropped."""
    if isinstance(doc, dict) and "$schema" in doc:
        doc = dict(doc)
        del doc["$schema"]
    return doc

