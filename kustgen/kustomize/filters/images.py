"""images: change image names, tags and digests."""

from __future__ import annotations

import re
from functools import lru_cache

from kustgen.model import Resource
from kustgen.kustomize.fieldspec import apply_fieldspec, fs_applies



def split_image(image: str) -> tuple[str, str, str]:
    """name, tag, digest of `[host[:port]/]path[:tag][@digest]`."""
    search = image
    slash = image.find("/")
    if slash > 0:
        search = image[slash:]
    else:
        slash = 0
    di = search.find("@")
    ci = search.find(":")
    if ci < 0 and di < 0:
        return image, "", ""
    if di >= 0 and (di < ci or ci < 0):
        di += slash
        return image[:di], "", image[di + 1:]
    if di >= 0 and ci >= 0:
        di += slash
        ci += slash
        return image[:ci], image[ci + 1:di], image[di + 1:]
    ci += slash
    return image[:ci], image[ci + 1:], ""


@lru_cache(maxsize=256)
def _image_pattern(name: str) -> re.Pattern:
    # Kustomize's IsImageMatched: the name as a regex, then an optional digest or tag.
    try:
        return re.compile("^" + name + r"(@sha256)?(:[a-zA-Z0-9_.{}-]*)?$")
    except re.error:
        return re.compile("^" + re.escape(name) + r"(@sha256)?(:[a-zA-Z0-9_.{}-]*)?$")


def image_matches(value: str, name: str) -> bool:
    return _image_pattern(name).match(value) is not None


def new_image_value(value: str, spec: dict) -> str | None:
    name_sel = str(spec.get("name") or "")
    if not image_matches(value, name_sel):
        return None
    name, tag, digest = split_image(value)
    new_name = "" if spec.get("newName") is None else str(spec.get("newName"))
    new_tag = "" if spec.get("newTag") is None else str(spec.get("newTag"))
    new_digest = "" if spec.get("digest") is None else str(spec.get("digest"))
    if new_name:
        name = new_name
    if new_tag and new_digest:
        tag, digest = new_tag, new_digest
    elif new_tag:
        tag, digest = new_tag, ""
    elif new_digest:
        tag, digest = "", new_digest
    out = name
    if tag:
        out += ":" + tag
    if digest:
        out += "@" + digest
    return out


def _set_in(parent: dict, key, spec: dict, hits: list) -> None:
    v = parent.get(key)
    if isinstance(v, str):
        nv = new_image_value(v, spec)
        if nv is not None:
            parent[key] = nv
            hits.append(1)


def _legacy_walk(node, spec: dict, hits: list) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("containers", "initContainers") and isinstance(v, list):
                for c in v:
                    if isinstance(c, dict) and "image" in c:
                        _set_in(c, "image", spec, hits)
            else:
                _legacy_walk(v, spec, hits)
    elif isinstance(node, list):
        for el in node:
            _legacy_walk(el, spec, hits)


def apply_image(resources: list[Resource], spec: dict, fieldspecs, origin=None) -> None:
    for r in resources:
        hits: list = []
        _legacy_walk(r.obj, spec, hits)

        def setter(parent, key):
            _set_in(parent, key, spec, hits)

        for fs in fieldspecs:
            if fs_applies(fs, r):
                apply_fieldspec(r.obj, fs, setter)
        if hits and origin is not None:
            r.extra.setdefault("image_origins", []).append(origin)
