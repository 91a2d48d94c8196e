"""The chain of schema sources a run uses, in the order they are asked.

1. ``--crds`` from the command line (files, folders, URLs);
2. ``--schema-location`` templates from the command line;
3. CRDs in the rendered output (an overlay that installs a CRD validates its own CRs);
4. ``schemas.crds`` from kustgen.yaml;
5. the vendored catalog (``schemas.vendor``, written by ``kustgen schemas import``);
6. ``schemas.locations`` from kustgen.yaml;
7. schemas derived from the Crossplane XRDs in the rendered output;
8. built-in Kubernetes kinds (kubernetes-validate), for the chosen Kubernetes version;
9. CRDs and XRDs anywhere else in the repository (scanned only when a kind is still
   missing after all of the above).

The first source with a schema for (apiVersion, kind) wins; "not found" falls through.
"""

from __future__ import annotations

import os
import re
from typing import Iterable

from kustgen.model.errors import KustgenError

__all__ = ["SchemaChain", "XrdAdapter", "RepoScanSource"]


class XrdAdapter:
    """XRD-derived schemas as registry entries (converted and compiled once per kind)."""

    def __init__(self, xrd_source, strict: bool = True):
        self.src = xrd_source
        self.strict = strict
        self._entries: dict = {}

    @property
    def errors(self) -> list:
        return self.src.errors

    def describe(self) -> str:
        return "schemas derived from %d Crossplane XRD kinds" % len(self.src)

    def keys(self) -> list[tuple[str, str]]:
        return [(d.api_version, d.kind) for d in self.src.schemas()]

    def lookup(self, api_version: str, kind: str):
        key = (api_version, kind)
        if key not in self._entries:
            d = self.src.lookup(api_version, kind)
            entry = None
            if d is not None:
                from kustgen.schemas.registry import SchemaEntry
                entry = SchemaEntry(api_version, kind, d.source, openapi=d.openapi_v3,
                                    strict=self.strict)
            self._entries[key] = entry
        return self._entries[key]


_SKIP_DIRS = {"node_modules", "__pycache__", "rendered", "vendor", ".git"}
_DEF_KIND = re.compile(rb"(?m)^kind: *['\"]?(CustomResourceDefinition|CompositeResourceDefinition)"
                       rb"['\"]? *$")


class RepoScanSource:
    """CRDs and XRDs in the repository's YAML files that no rendered overlay includes.
    The scan (a quick byte search of every YAML file) runs on the first lookup."""

    def __init__(self, root: str, strict: bool = True, exclude: Iterable[str] = ()):
        self.root = root
        self.strict = strict
        self.exclude = {os.path.abspath(e) for e in exclude}
        self.errors: list[KustgenError] = []
        self._crds = None
        self._xrds = None
        self.files: list[str] = []

    def describe(self) -> str:
        return "CRDs and XRDs found in %s" % (self.root if self.root != "." else "the repository")

    def _scan(self) -> None:
        from kustgen.schemas.sources.crd import CrdSource
        from kustgen.schemas.sources.xrd import XrdSource
        self._crds = CrdSource(strict=self.strict)
        self._xrds = XrdSource()
        for d, subdirs, files in os.walk(self.root):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith(".")
                                and s not in _SKIP_DIRS
                                and os.path.abspath(os.path.join(d, s)) not in self.exclude)
            for f in sorted(files):
                if not f.endswith((".yaml", ".yml")):
                    continue
                p = os.path.join(d, f)
                try:
                    with open(p, "rb") as fh:
                        raw = fh.read()
                except OSError:
                    continue
                kinds = set(_DEF_KIND.findall(raw))
                if not kinds:
                    continue
                self.files.append(p)
                if b"CustomResourceDefinition" in kinds:
                    self._crds.add_path(p)
                if b"CompositeResourceDefinition" in kinds:
                    from kustgen.fs import DiskFS
                    from kustgen.schemas.sources import read_documents
                    from kustgen.schemas.sources.xrd import is_xrd
                    for path, doc in read_documents(DiskFS(), [p], self.errors):
                        if is_xrd(doc.data):
                            self._xrds.add(doc.data, path=path, line=doc.line)
        self.errors.extend(self._crds.errors)
        self.errors.extend(self._xrds.errors)
        self._xrd_adapter = XrdAdapter(self._xrds, self.strict)

    def keys(self) -> list[tuple[str, str]]:
        if self._crds is None:
            self._scan()
        return self._crds.keys() + self._xrd_adapter.keys()

    def lookup(self, api_version: str, kind: str):
        if self._crds is None:
            self._scan()
        return self._crds.lookup(api_version, kind) or self._xrd_adapter.lookup(api_version, kind)


class SchemaChain:
    """Builds the ordered sources for a run from kustgen.yaml and the command line."""

    def __init__(self, config, *, crds: Iterable[str] = (), locations: Iterable[str] = (),
                 kubernetes_version: str | None = None, strict: bool | None = None,
                 offline: bool | None = None, cache_dir: str | None = None):
        self.config = config
        self.kubernetes_version = kubernetes_version or config.kubernetes_version
        self.strict = config.strict if strict is None else strict
        self.offline = config.offline if offline is None else offline
        self.cache_dir = cache_dir or (config.path(config.cache) if config.cache else None)
        self.cli_crds = list(crds)
        self.cli_locations = list(locations)
        self._fetcher = None
        self.rendered_crds: list[tuple[dict, str]] = []
        self.xrds: list[tuple[dict, str, int, str]] = []   # (xrd, file, line, overlay)
        self.sources: list = []
        self.notes: list[str] = []

    def collect(self, resources, overlay: str) -> None:
        """Remember the CRDs and XRDs an overlay renders: they are schema sources too."""
        for res in resources:
            where = res.origin.file if res.origin else overlay
            if res.kind == "CustomResourceDefinition" and res.gvk.group == "apiextensions.k8s.io":
                self.rendered_crds.append((res.obj, where))
            elif res.kind == "CompositeResourceDefinition" and \
                    res.gvk.group == "apiextensions.crossplane.io":
                self.xrds.append((res.obj, where, res.origin.line if res.origin else 0, overlay))

    @property
    def fetcher(self):
        if self._fetcher is None:
            from kustgen.schemas.fetch import Fetcher, default_cache_dir
            self._fetcher = Fetcher(self.cache_dir or default_cache_dir(), offline=self.offline)
        return self._fetcher

    def _crd_source(self, paths: list[str], errors: list, label: str):
        from kustgen.schemas.sources.crd import CrdSource
        src = CrdSource(strict=self.strict, label="%s: %s" % (label, ", ".join(paths)))
        for p in paths:
            if p.startswith(("http://", "https://")):
                self._add_url(src, p, errors)
            elif not os.path.exists(p):
                errors.append(KustgenError("no such CRD file or folder: %s" % p, p))
            else:
                src.add_path(p)
        return src

    def _add_url(self, src, url: str, errors: list) -> None:
        from kustgen import yamlio
        try:
            raw = self.fetcher.get(url)
        except KustgenError as e:
            errors.append(e)
            return
        if raw is None:
            errors.append(KustgenError("CRD URL not found (404): %s" % url, url))
            return
        try:
            docs = yamlio.load_documents(raw, url)
        except KustgenError as e:
            errors.append(e)
            return
        for d in docs:
            if isinstance(d.data, dict) and d.data.get("kind") == "List":
                for it in d.data.get("items") or []:
                    src.add(it, url)
            else:
                src.add(d.data, url)

    def _locations(self, templates: list[str], base_dir: str | None):
        if not templates:
            return []
        from kustgen.schemas.sources.location import LocationSource
        return [LocationSource(t, kubernetes_version=self.kubernetes_version, strict=self.strict,
                               fetcher=self.fetcher, base_dir=base_dir) for t in templates]

    def build(self, exclude_scan: Iterable[str] = ()):
        """The Registry; raises ConfigError for a bad template. Errors of individual
        sources (a CRD file that does not parse, ...) are in :meth:`errors`."""
        from kustgen.schemas.registry import Registry
        from kustgen.schemas.sources.builtin import BuiltinSource, available_versions, \
            resolve_version
        cfg = self.config
        self._errors: list = []
        srcs: list = []
        if self.cli_crds:
            srcs.append(self._crd_source(self.cli_crds, self._errors, "--crds"))
        srcs.extend(self._locations(self.cli_locations, None))
        if self.rendered_crds:
            from kustgen.schemas.sources.crd import CrdSource
            rc = CrdSource(strict=self.strict, label="CRDs in the rendered output")
            for obj, where in self.rendered_crds:
                rc.add(obj, where)
            srcs.append(rc)
        if cfg.schema_crds:
            srcs.append(self._crd_source([cfg.path(p) for p in cfg.schema_crds], self._errors,
                                         "schemas.crds"))
        vendor = cfg.path(cfg.schema_vendor) if cfg.schema_vendor else None
        if vendor and os.path.isdir(vendor):
            from kustgen.schemas.sources.catalog import CatalogSource
            srcs.append(CatalogSource(vendor, strict=self.strict))
        srcs.extend(self._locations(cfg.schema_locations, cfg.root))
        if self.xrds:
            from kustgen.schemas.sources.xrd import XrdSource
            xs = XrdSource()
            owner: dict = {}
            for obj, path, line, overlay in self.xrds:
                # environments render the same XRDs (perhaps renamed by a namePrefix);
                # they never meet in one cluster, so only XRDs of one overlay can clash
                spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
                names = spec.get("names") if isinstance(spec.get("names"), dict) else {}
                key = (spec.get("group"), names.get("kind"))
                if owner.setdefault(key, overlay) != overlay:
                    continue
                xs.add(obj, path=path, line=line)
            srcs.append(XrdAdapter(xs, self.strict))
        kv = self.kubernetes_version
        if kv == "master":
            vs = available_versions()
            kv = vs[-1] if vs else kv
        if resolve_version(kv) is None and available_versions():
            oldest = available_versions()[0]
            self.notes.append("built-in schemas start at Kubernetes %s; using them for %s"
                              % (oldest, kv))
            kv = oldest
        from kustgen.schemas.fetch import default_cache_dir
        # kustgen's own derived files live in its cache folder, never in a --cache folder
        # (which may be shared with kubeconform)
        srcs.append(BuiltinSource(kv, self.strict, default_cache_dir()))
        srcs.append(RepoScanSource(cfg.root, self.strict,
                                   exclude=list(exclude_scan) + ([vendor] if vendor else [])))
        self.sources = srcs
        return Registry(srcs)

    def describe_sources(self) -> list[str]:
        return [s.describe() if hasattr(s, "describe") else type(s).__name__
                for s in self.sources]

    def known(self) -> list[tuple[str, str, object]]:
        """(apiVersion, kind, source) of every kind the enumerable sources know (CRDs,
        catalog, XRDs; not built-in kinds or schema locations)."""
        out = []
        for src in self.sources:
            if hasattr(src, "keys"):
                keys = list(src.keys())
            elif hasattr(src, "entries"):
                keys = [(e[0], e[1]) for e in src.entries()]
            else:
                keys = []
            out.extend((av, k, src) for av, k in keys)
        return out

    def errors(self) -> list:
        out = list(getattr(self, "_errors", []))
        for s in self.sources:
            out.extend(getattr(s, "errors", None) or [])
        return out
