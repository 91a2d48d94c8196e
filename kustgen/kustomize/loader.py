"""Loading files for a kustomization, restricted to its root, with one parse per file.

A Loader is rooted at one kustomization directory. Files are read only from within that
root (Kustomize's default load restrictor); other directories are reached only through
`resources`/`components` entries, by making a child loader (which checks for cycles).
Parsed documents are cached per build session (`FileCache`), so a base shared by many
overlays is read and parsed once.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from kustgen.fs import DiskFS, FileSystem
from kustgen.model import LoadError, Origin, Resource, YamlError, deep_copy
from kustgen.kustomize.kustomization import KUSTOMIZATION_FILE_NAMES, Kustomization, parse_kustomization
from kustgen import yamlio


class FileCache:
    """Raw bytes and parsed documents, keyed by absolute path. One per build session."""

    def __init__(self, fs: FileSystem | None = None):
        self.fs = fs or DiskFS()
        self._bytes: dict[str, bytes] = {}
        self._docs: dict[str, list] = {}
        self._kust: dict[str, Kustomization] = {}
        self._recorders: list[set] = []

    def recording(self) -> "_Recording":
        """``with cache.recording() as files:`` collects every file read meanwhile (the
        inputs of a build: kustomizations, resources, patches, generator sources, ...)."""
        return _Recording(self)

    def note(self, paths) -> None:
        """Count files read earlier (e.g. by a cached base) as read now."""
        for r in self._recorders:
            r.update(paths)

    def read(self, path: str) -> bytes:
        for r in self._recorders:
            r.add(path)
        b = self._bytes.get(path)
        if b is None:
            b = self.fs.read_bytes(path)
            self._bytes[path] = b
        return b

    def remember(self, path: str, docs: list) -> None:
        """Documents read elsewhere (standard input) under a name, for provenance."""
        self._docs[path] = docs

    def docs(self, path: str) -> list:
        d = self._docs.get(path)
        if d is None:
            d = yamlio.load_documents(self.read(path), path)
            self._docs[path] = d
        else:
            for r in self._recorders:
                r.add(path)
        return d


class _Recording:
    def __init__(self, cache: FileCache):
        self.cache = cache
        self.files: set = set()

    def __enter__(self) -> set:
        self.cache._recorders.append(self.files)
        return self.files

    def __exit__(self, *exc) -> None:
        self.cache._recorders.remove(self.files)


def display_path(path: str) -> str:
    """A path as the user should see it: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.count("..") > 3 else rel


class Loader:
    def __init__(self, root: str, cache: FileCache, visited: tuple[str, ...] = ()):
        self.root = root
        self.cache = cache
        self.fs = cache.fs
        self.visited = visited + (root,)

    # -- directories -------------------------------------------------------------------
    @classmethod
    def at(cls, path: str, cache: FileCache) -> "Loader":
        ap = os.path.abspath(path)
        if not cache.fs.exists(ap):
            raise LoadError("no such directory: %s" % path)
        if not cache.fs.is_dir(ap):
            raise LoadError("must build at directory: '%s' is a file, not a directory" % path)
        return cls(cache.fs.realpath(ap), cache)

    def new(self, rel: str) -> "Loader":
        """A loader for a directory named in resources/components (any location)."""
        p = os.path.normpath(os.path.join(self.root, rel))
        if not self.fs.is_dir(p):
            if self.fs.exists(p):
                raise LoadError("'%s' is not a directory" % p)
            raise LoadError("not a valid directory: '%s' does not exist" % p)
        real = self.fs.realpath(p)
        for v in self.visited:
            if v == real or v.startswith(real.rstrip(os.sep) + os.sep):
                chain = " -> ".join(display_path(x) for x in self.visited + (real,))
                raise LoadError("cycle detected: candidate root '%s' contains visited root '%s' "
                                "(chain: %s)" % (real, v, chain))
        return Loader(real, self.cache, self.visited)

    def kustomization_path(self) -> str | None:
        found = [n for n in KUSTOMIZATION_FILE_NAMES if self.fs.is_file(os.path.join(self.root, n))]
        if len(found) > 1:
            raise LoadError("found multiple kustomization files (%s) in directory '%s': keep one"
                            % (", ".join(found), self.root))
        return os.path.join(self.root, found[0]) if found else None

    def load_kustomization(self) -> Kustomization:
        kpath = self.kustomization_path()
        if kpath is None:
            raise LoadError("unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                            "'Kustomization' in directory '%s': add a kustomization.yaml there "
                            "(or point at a directory that has one)" % self.root)
        cached = self.cache._kust.get(kpath)
        if cached is not None:
            self.cache.note((kpath,))
            return cached
        raw = self.cache.read(kpath)
        if not raw.strip():
            raise LoadError("kustomization.yaml is empty: list resources, or remove the file",
                            kpath, 1)
        data, positions = load_kustomization_yaml(raw, kpath)
        k = parse_kustomization(data, kpath, positions)
        self.cache._kust[kpath] = k
        return k

    # -- files -------------------------------------------------------------------------
    def resolve(self, rel: str) -> str:
        p = os.path.normpath(os.path.join(self.root, rel))
        if not self.fs.exists(p):
            raise LoadError("'%s' not found (looked for %s)" % (rel, p))
        real = self.fs.realpath(p)
        if not (real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep)):
            raise LoadError("security; file '%s' is not in or below '%s': Kustomize only loads "
                            "files inside the kustomization's directory; move the file there, or "
                            "reference its directory as a resource" % (real, self.root))
        return real

    def is_file(self, rel: str) -> bool:
        return self.fs.is_file(os.path.normpath(os.path.join(self.root, rel)))

    def read(self, rel: str) -> bytes:
        p = self.resolve(rel)
        if self.fs.is_dir(p):
            raise LoadError("'%s' is a directory, expected a file" % rel)
        return self.cache.read(p)

    def docs(self, rel: str) -> list:
        p = self.resolve(rel)
        if self.fs.is_dir(p):
            raise LoadError("'%s' is a directory, expected a file" % rel)
        return self.cache.docs(p)

    def resources_from_file(self, rel: str) -> list[Resource]:
        path = self.resolve(rel)
        return resources_from_docs(self.cache.docs(path), path)


class _K8sYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """How Kustomize reads kustomization files (sigs.k8s.io/yaml, YAML 1.1 scalars, a
    repeated key: the last one wins); timestamps stay strings."""


_K8sYamlLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_kustomization_yaml(raw: bytes, path: str) -> tuple[Any, dict]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise YamlError("invalid UTF-8 (byte 0x%02x at offset %d): save the file as UTF-8"
                        % (raw[e.start], e.start), path, line) from None
    try:
        loader = _K8sYamlLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return {}, {}
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = " ".join(str(x) for x in (e.problem, e.context) if x)
        raise YamlError("invalid YAML: %s" % msg, path, mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None) from None
    except yaml.YAMLError as e:
        raise YamlError("invalid YAML: %s" % " ".join(str(e).split()), path) from None
    positions: dict = {}
    stack = [((), node)]
    while stack:
        p, n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            for kn, vn in n.value:
                kp = p + (kn.value,)
                positions.setdefault(kp, (kn.start_mark.line + 1, kn.start_mark.column + 1))
                stack.append((kp, vn))
        elif isinstance(n, yaml.SequenceNode):
            for i, vn in enumerate(n.value):
                ip = p + (i,)
                positions[ip] = (vn.start_mark.line + 1, vn.start_mark.column + 1)
                stack.append((ip, vn))
    return data, positions


def resources_from_docs(docs: list, path: str) -> list[Resource]:
    out: list[Resource] = []
    for d in docs:
        data = d.data
        if data is None:
            continue
        if not isinstance(data, dict):
            raise YamlError("expected a Kubernetes object (a YAML map), got a %s"
                            % type(data).__name__, path, d.line)
        if not data:
            continue
        kind = data.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and "items" in data:
            items = data.get("items") or []
            if not isinstance(items, list):
                raise YamlError("%s: 'items' must be a list" % kind, path, d.line)
            for i, it in enumerate(items):
                if not isinstance(it, dict):
                    raise YamlError("%s item %d is not a map" % (kind, i), path, d.line)
                pos = d.positions.get(("items", i)) if d.positions else None
                r = _make(deep_copy(it), path, pos[0] if pos else d.line, d.index)
                r.extra["doc_prefix"] = ("items", i)   # where the object sits in its document
                out.append(r)
            continue
        out.append(_make(deep_copy(data), path, d.line, d.index))
    return out


def _make(obj: dict, path: str, line: int, index: int) -> Resource:
    if not isinstance(obj.get("kind"), str) or not obj.get("kind"):
        raise YamlError("missing 'kind' in the object: every resource needs apiVersion and kind",
                        path, line)
    md = obj.get("metadata")
    if md is not None and not isinstance(md, dict):
        raise YamlError("'metadata' must be a map", path, line)
    name = md.get("name") if md else None
    if not isinstance(name, str) or not name:
        raise YamlError("missing metadata.name in the %s object: every resource needs a name"
                        % obj["kind"], path, line)
    if md:
        # Kubernetes label and annotation values are strings; Kustomize makes them so.
        for f in ("labels", "annotations"):
            m = md.get(f)
            if isinstance(m, dict):
                for k, v in m.items():
                    if not isinstance(v, str):
                        m[k] = _scalar_str(v)
    return Resource(obj, Origin(path, line, 1, index))


def _scalar_str(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return yamlio.format_float(v)
    if isinstance(v, (dict, list)):
        import json
        return json.dumps(v, separators=(",", ":"), sort_keys=True)
    return str(v)
