"""Fetching schema documents: local files, and http(s) URLs through an on-disk cache.

:class:`Fetcher` reads ``file://`` URLs and plain paths from disk, and http(s) URLs from
(in order) an in-memory memo, the disk cache, and the network (unless ``offline``).

The disk cache is content-addressed::

    <cache_dir>/objects/<sha256 of content>   the bytes
    <cache_dir>/urls/<sha256 of url>          {"url": ..., "sha256": ..., "fetched": epoch}
    <cache_dir>/missing/<sha256 of url>       {"url": ..., "time": epoch}  (a 404/410)

Every file is written atomically (temporary file in the same folder, then ``os.replace``);
an object whose bytes no longer match its name counts as a miss. kubeconform's cache
layout (``<cache_dir>/<sha256 of url>``, the schema JSON itself) is read too, so a
``kubeconform -cache`` folder can be reused as is.

A cache folder that cannot be created or written is not an error: the fetcher then keeps
what it downloads in memory only. The network modules (``urllib.request`` and with it
``http.client`` and ``ssl``) are imported on the first download only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time

from kustgen.model.errors import KustgenError

__all__ = ["FetchError", "Fetcher", "default_cache_dir", "is_remote", "path_to_uri",
           "uri_to_path"]

USER_AGENT = "kustgen"
MAX_BYTES = 64 * 1024 * 1024  # a schema document larger than this is refused


class FetchError(KustgenError):
    """A schema document could not be fetched: network failure, HTTP error other than
    404/410, unreadable file, content that is not JSON, or a cache miss while offline."""

    def __init__(self, message: str, url: str | None = None, **kw):
        super().__init__(message, **kw)
        self.url = url


def default_cache_dir() -> str:
    """``$KUSTGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/kustgen/schemas``, else
    ``~/.cache/kustgen/schemas``."""
    d = os.environ.get("KUSTGEN_CACHE_DIR")
    if d:
        return d
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return os.path.join(xdg, "kustgen", "schemas")
    return os.path.join(os.path.expanduser("~"), ".cache", "kustgen", "schemas")


def is_remote(url: str) -> bool:
    u = url[:8].lower()
    return u.startswith("http://") or u.startswith("https://")


def path_to_uri(path: str) -> str:
    """``file://`` URI of a local path (made absolute)."""
    import pathlib
    return pathlib.Path(os.path.abspath(path)).as_uri()


def uri_to_path(url: str) -> str:
    """Local path of a ``file://`` URI, or the argument itself when it is a plain path."""
    if not url.lower().startswith("file:"):
        return url
    from urllib.parse import unquote, urlsplit
    if os.name == "nt":  # pragma: no cover - drive letters and UNC names
        from urllib.request import url2pathname
        parts = urlsplit(url)
        return url2pathname((("//" + parts.netloc) if parts.netloc else "") + parts.path)
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchError("cannot read %s: file URLs on another host are not supported" % url,
                         url)
    return unquote(parts.path)


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _strip_fragment(url: str) -> str:
    i = url.find("#")
    return url if i < 0 else url[:i]


_MISSING = object()


class Fetcher:
    """Reads schema documents by URL or path; see the module documentation.

    ``stats`` counts where http(s) answers came from: ``network`` (downloads, including
    404s), ``cache`` (disk cache hits) and ``missing_cached`` (a remembered 404/410 answered
    without a request). Repeated requests answered from this fetcher's memory are not
    counted.
    """

    def __init__(self, cache_dir: str | None = None, *, offline: bool = False,
                 missing_ttl: float = 3600.0, timeout: float = 10.0):
        self.cache_dir = cache_dir
        self.offline = offline
        self.missing_ttl = missing_ttl
        self.timeout = timeout
        self.stats: dict = {"network": 0, "cache": 0, "missing_cached": 0}
        self._memo: dict = {}
        self._writable = cache_dir is not None

    def __repr__(self) -> str:
        return "Fetcher(cache_dir=%r, offline=%r)" % (self.cache_dir, self.offline)

    # ------------------------------------------------------------------ public

    def get(self, url: str) -> bytes | None:
        """The bytes at ``url`` (fragment ignored); None when it definitely does not exist
        (no such file; HTTP 404/410, possibly remembered). Raises :class:`FetchError`."""
        url = _strip_fragment(url)
        if not is_remote(url):
            return self._read_local(url)
        got = self._memo.get(url)
        if got is not None:
            return None if got is _MISSING else got
        data = self._cache_read(url)
        if data is not None:
            self.stats["cache"] += 1
            self._memo[url] = data
            return data
        if self._missing_remembered(url):
            self.stats["missing_cached"] += 1
            self._memo[url] = _MISSING
            return None
        if self.offline:
            raise FetchError(
                "%s is not in the schema cache%s and kustgen runs offline: run once without "
                "--offline to download it, or vendor the schemas with `kustgen schemas "
                "import`" % (url, " (%s)" % self.cache_dir if self.cache_dir else ""), url)
        data = self._download(url)
        if data is None:
            self._missing_write(url)
            self._memo[url] = _MISSING
            return None
        self._cache_write(url, data)
        self._memo[url] = data
        return data

    def get_json(self, url: str) -> dict | None:
        """The JSON object at ``url``; None when not found. :class:`FetchError` when the
        content is not a JSON object."""
        data = self.get(url)
        if data is None:
            return None
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as e:
            raise FetchError("%s is not valid JSON (%s): check the schema location, it must "
                             "point at JSON Schema files" % (url, e), url) from None
        if not isinstance(doc, dict):
            raise FetchError("%s is not a JSON object (a %s): check the schema location, it "
                             "must point at JSON Schema files" % (url, type(doc).__name__), url)
        return doc

    # ------------------------------------------------------------------ local files

    def _read_local(self, url: str) -> bytes | None:
        path = uri_to_path(url)
        try:
            with open(path, "rb") as f:
                return f.read(MAX_BYTES + 1)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except IsADirectoryError:
            raise FetchError("cannot read %s: it is a directory, not a schema file" % path,
                             url) from None
        except OSError as e:
            raise FetchError("cannot read %s: %s" % (path, e.strerror or e), url) from None

    # ------------------------------------------------------------------ network

    def _download(self, url: str) -> bytes | None:
        import urllib.error
        import urllib.request
        self.stats["network"] += 1
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "application/json, */*"})
        try:
            # the default opener honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                data = resp.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as e:
            try:
                e.close()
            except Exception:  # pragma: no cover
                pass
            if e.code in (404, 410):
                return None
            hint = ("the server failed, try again later" if e.code >= 500
                    else "check the schema location and any proxy settings")
            raise FetchError("cannot fetch %s: HTTP %d %s: %s"
                             % (url, e.code, e.reason or "", hint), url) from None
        except urllib.error.URLError as e:
            raise FetchError("cannot fetch %s: %s: check the network, proxy settings "
                             "(HTTPS_PROXY, NO_PROXY), or use --offline with a filled cache"
                             % (url, e.reason), url) from None
        except (OSError, ValueError) as e:  # timeouts, resets, bad URLs
            raise FetchError("cannot fetch %s: %s: check the network and proxy settings, or "
                             "use --offline with a filled cache" % (url, e or type(e).__name__),
                             url) from None
        except Exception as e:  # http.client.HTTPException and friends
            raise FetchError("cannot fetch %s: %s: %s" % (url, type(e).__name__, e), url) \
                from None
        if len(data) > MAX_BYTES:
            raise FetchError("cannot fetch %s: larger than %d MiB, not a schema"
                             % (url, MAX_BYTES // (1024 * 1024)), url)
        return data

    # ------------------------------------------------------------------ disk cache

    def _p(self, *parts: str) -> str:
        return os.path.join(self.cache_dir, *parts)  # type: ignore[arg-type]

    def _cache_read(self, url: str) -> bytes | None:
        if self.cache_dir is None:
            return None
        key = _sha(url)
        try:
            with open(self._p("urls", key), "rb") as f:
                ref = json.loads(f.read(65536).decode("utf-8"))
            if isinstance(ref, dict) and ref.get("url") == url:
                digest = str(ref.get("sha256", ""))
                if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
                    with open(self._p("objects", digest), "rb") as f:
                        data = f.read(MAX_BYTES + 1)
                    if _sha(data) == digest:
                        return data
        except (OSError, ValueError):
            pass
        # kubeconform's layout: <cache_dir>/<sha256 of url> holds the document
        try:
            with open(self._p(key), "rb") as f:
                data = f.read(MAX_BYTES + 1)
            if data.strip():
                return data
        except OSError:
            pass
        return None

    def _missing_remembered(self, url: str) -> bool:
        if self.cache_dir is None or self.missing_ttl <= 0:
            return False
        try:
            with open(self._p("missing", _sha(url)), "rb") as f:
                rec = json.loads(f.read(65536).decode("utf-8"))
            t = float(rec["time"])
            return rec.get("url") == url and 0 <= time.time() - t < self.missing_ttl
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def _write_atomic(self, folder: str, name: str, data: bytes) -> None:
        from kustgen.fs import atomic_write
        atomic_write(os.path.join(self._p(folder), name), data)

    def _cache_write(self, url: str, data: bytes) -> None:
        if not self._writable:
            return
        digest = _sha(data)
        key = _sha(url)
        try:
            obj = self._p("objects", digest)
            try:
                with open(obj, "rb") as f:
                    ok = _sha(f.read(MAX_BYTES + 1)) == digest
            except OSError:
                ok = False
            if not ok:
                self._write_atomic("objects", digest, data)
            ref = {"url": url, "sha256": digest, "fetched": time.time()}
            self._write_atomic("urls", key, json.dumps(ref, sort_keys=True).encode("utf-8"))
            try:
                os.unlink(self._p("missing", key))
            except OSError:
                pass
        except OSError:
            self._writable = False  # read-only or full cache: keep going from memory

    def _missing_write(self, url: str) -> None:
        if not self._writable:
            return
        rec = {"url": url, "time": time.time()}
        try:
            self._write_atomic("missing", _sha(url), json.dumps(rec, sort_keys=True).encode())
        except OSError:
            self._writable = False
