"""Shared test fixtures.

`../shared` (conformance corpus, CRDs, examples) is resolved from the repo root. When it is
absent those tests skip with a reason; with KUSTGEN_REQUIRE_SHARED=1 (set by .ci/run) they
fail instead.
"""

from __future__ import annotations

import os
import shutil

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared")


def need_shared(*parts: str) -> str:
    """Path under ../shared, or skip (fail in CI) when it is missing."""
    p = os.path.join(SHARED, *parts)
    if not os.path.exists(p):
        msg = "../shared/%s not found beside the repo (%s)" % ("/".join(parts), p)
        if os.environ.get("KUSTGEN_REQUIRE_SHARED") == "1":
            pytest.fail(msg + " and KUSTGEN_REQUIRE_SHARED=1")
        pytest.skip(msg)
    return p


def need_kubectl() -> list[str]:
    """The reference renderer, `kubectl kustomize` (or `kustomize build`)."""
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    msg = "kubectl (the Kustomize reference) is not on PATH"
    if os.environ.get("KUSTGEN_REQUIRE_SHARED") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture
def shared():
    return need_shared


@pytest.fixture
def kubectl():
    return need_kubectl()


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite golden files under tests/golden from the current output")


@pytest.fixture
def update_golden(request):
    return request.config.getoption("--update-golden")


@pytest.fixture(autouse=True, scope="session")
def _private_schema_cache(tmp_path_factory):
    """Downloaded and derived schemas go to a cache folder of this test session, never to
    the user's ~/.cache (subprocesses inherit the variable)."""
    old = os.environ.get("KUSTGEN_CACHE_DIR")
    os.environ["KUSTGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("kustgen-cache"))
    yield
    if old is None:
        os.environ.pop("KUSTGEN_CACHE_DIR", None)
    else:
        os.environ["KUSTGEN_CACHE_DIR"] = old


def copy_example(dst) -> "os.PathLike":
    """A copy of this repository's example GitOps repo (kustgen.yaml, vendored schemas,
    base, overlays) in the new folder `dst`; returns `dst`."""
    os.makedirs(dst)
    for d in ("base", "overlays", "schemas"):
        shutil.copytree(os.path.join(REPO, d), os.path.join(dst, d))
    shutil.copy(os.path.join(REPO, "kustgen.yaml"), os.path.join(dst, "kustgen.yaml"))
    return dst
