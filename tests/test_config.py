"""kustgen.yaml: kustgen/config.py and the JSON Schema for editors (schemas/kustgen.schema.json).

The schema is checked against the parser: every document of a table is accepted by both or
rejected by both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import jsonschema
import pytest
import yaml

from conftest import REPO
from kustgen.config import (API_VERSION, CONFIG_FILE, Config, check_kubernetes_version,
                            find_config, load_config, parse_config)
from kustgen.model.errors import ConfigError

SCHEMA_PATH = os.path.join(REPO, "schemas", "kustgen.schema.json")
REPO_CONFIG = os.path.join(REPO, CONFIG_FILE)


def _parse(text: str, path: str = "kustgen.yaml") -> Config:
    return parse_config(textwrap.dedent(text).lstrip("\n"), path)


def _error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as ei:
        _parse(text)
    return ei.value


@pytest.fixture(scope="module")
def schema():
    with open(SCHEMA_PATH) as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def validator(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


# --------------------------------------------------------------------------------------
# the repository's kustgen.yaml
# --------------------------------------------------------------------------------------

def test_repo_config_parses():
    cfg = load_config(REPO)
    assert os.path.samefile(cfg.file, REPO_CONFIG)
    assert [e.name for e in cfg.environments] == ["dev", "staging", "prod"]
    dev, staging, prod = cfg.environments
    assert (dev.local, dev.protected) == (True, False)
    assert (staging.local, staging.protected) == (False, False)
    assert (prod.local, prod.protected) == (False, True)
    assert [os.path.abspath(d) for d in cfg.overlay_dirs()] == \
        [os.path.join(REPO, "overlays", n) for n in ("dev", "staging", "prod")]
    for d in cfg.overlay_dirs():
        assert os.path.isfile(os.path.join(d, "kustomization.yaml")), d
    assert cfg.schema_vendor == "schemas"
    assert os.path.isdir(cfg.path(cfg.schema_vendor))
    assert cfg.missing == {"default": "warn", "*.upbound.io": "error",
                           "*.crossplane.io": "error"}
    assert cfg.kubernetes_version == "1.32.0"
    assert cfg.repo_url == "https://git.example.com/platform/infra.git"
    assert (cfg.base, cfg.overlays) == ("base", "overlays")
    assert (cfg.strict, cfg.cel, cfg.offline) == (True, True, False)
    assert cfg.environment("prod") is prod and cfg.environment("qa") is None
    assert dev.line == 11 and prod.line == 14


def test_repo_config_paths_resolve_from_cwd(monkeypatch):
    monkeypatch.chdir(os.path.join(REPO, "overlays"))
    cfg = load_config(".")
    assert [os.path.abspath(d) for d in cfg.overlay_dirs()] == \
        [os.path.join(REPO, "overlays", n) for n in ("dev", "staging", "prod")]
    monkeypatch.chdir(REPO)
    assert load_config("overlays/dev").overlay_dirs() == \
        [os.path.join("overlays", n) for n in ("dev", "staging", "prod")]


def test_repo_config_matches_schema(validator):
    with open(REPO_CONFIG) as fh:
        doc = yaml.safe_load(fh)
    assert not [e.message for e in validator.iter_errors(doc)]
    with open(REPO_CONFIG) as fh:
        assert fh.readline().strip() == "# yaml-language-server: $schema=schemas/kustgen.schema.json"


# --------------------------------------------------------------------------------------
# defaults and find_config
# --------------------------------------------------------------------------------------

def test_defaults_without_config(tmp_path):
    (tmp_path / ".git").mkdir()
    cfg = load_config(str(tmp_path))
    assert cfg.file is None
    assert cfg.environments == [] and cfg.overlay_dirs() == []
    assert cfg.kubernetes_version == "1.32.0"
    assert cfg.missing == {"default": "warn"}
    assert (cfg.strict, cfg.cel, cfg.offline, cfg.cache) == (True, True, False, None)
    assert cfg.schema_vendor == "schemas"


def test_empty_config_is_all_defaults(tmp_path):
    p = tmp_path / CONFIG_FILE
    p.write_text("# nothing yet\n")
    cfg = load_config(path=str(p))
    assert cfg.file == str(p) and cfg.environments == [] and cfg.strict


def test_find_config_walks_up(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / CONFIG_FILE).write_text("kind: Config\n")
    deep = tmp_path / "overlays" / "dev"
    deep.mkdir(parents=True)
    assert find_config(str(deep)) == str(tmp_path / CONFIG_FILE)
    assert find_config(str(tmp_path)) == str(tmp_path / CONFIG_FILE)
    assert load_config(str(deep)).file == str(tmp_path / CONFIG_FILE)


def test_find_config_stops_at_git_folder(tmp_path):
    (tmp_path / CONFIG_FILE).write_text("kind: Config\n")     # outside the repository
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    sub = repo / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(str(sub)) is None
    assert load_config(str(sub)).file is None


def test_find_config_stops_at_git_file(tmp_path):
    """A worktree or submodule has a `.git` file, not a folder: still the repository root."""
    (tmp_path / CONFIG_FILE).write_text("kind: Config\n")
    repo = tmp_path / "wt"
    repo.mkdir()
    (repo / ".git").write_text("gitdir: /elsewhere/.git/worktrees/wt\n")
    assert find_config(str(repo)) is None


def test_config_beside_git_is_found(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / CONFIG_FILE).write_text("kind: Config\n")
    assert find_config(str(tmp_path)) == str(tmp_path / CONFIG_FILE)


def test_load_config_with_folder_and_missing_file(tmp_path):
    (tmp_path / CONFIG_FILE).write_text("kind: Config\n")
    assert load_config(path=str(tmp_path)).file == str(tmp_path / CONFIG_FILE)
    with pytest.raises(ConfigError) as ei:
        load_config(path=str(tmp_path / "nope.yaml"))
    assert ei.value.file == str(tmp_path / "nope.yaml")
    assert "cannot read" in ei.value.message


def test_environment_forms_and_paths():
    cfg = _parse("""
        paths: {overlays: envs}
        environments:
          - dev
          - {name: prod, path: clusters/prod, protected: true}
        """)
    assert [(e.name, e.path, e.protected) for e in cfg.environments] == \
        [("dev", os.path.join("envs", "dev"), False), ("prod", "clusters/prod", True)]


def test_kubernetes_version_forms():
    assert check_kubernetes_version("v1.31.4") == "1.31.4"
    assert check_kubernetes_version("master") == "master"
    assert _parse('kubernetesVersion: "v1.30.1"\n').kubernetes_version == "1.30.1"
    for bad in ("1.25", "vmaster", " 1.32.0", "1.32", "1.32.0-rc1", "latest"):
        with pytest.raises(ConfigError):
            check_kubernetes_version(bad)


def test_missing_as_one_action():
    assert _parse("schemas: {missing: error}\n").missing == {"default": "error"}


# --------------------------------------------------------------------------------------
# errors: file:line and what to write instead
# --------------------------------------------------------------------------------------

def test_unknown_top_level_key_suggests_near_miss():
    e = _error("""
        apiVersion: kustgen.dev/v1alpha1
        kind: Config
        enviroments: [dev]
        """)
    assert (e.file, e.line) == ("kustgen.yaml", 3)
    assert "'enviroments'" in e.message and "did you mean 'environments'?" in e.message
    assert str(e).startswith("kustgen.yaml:3: ")


def test_unknown_key_far_from_any_lists_allowed():
    e = _error("""
        kind: Config
        flavour: x
        """)
    assert e.line == 2 and "allowed: apiVersion" in e.message


def test_unknown_nested_key():
    e = _error("""
        schemas:
          vendor: schemas
          strcit: true
        """)
    assert e.line == 3 and "schemas" in e.message and "did you mean 'strict'?" in e.message


def test_wrong_api_version():
    e = _error("""
        # comment
        apiVersion: kustgen.io/v1
        """)
    assert e.line == 2 and API_VERSION in e.message and "kustgen.io/v1" in e.message


def test_wrong_kind():
    e = _error("kind: Kustomization\n")
    assert e.line == 1 and "Config" in e.message


def test_environments_not_a_list():
    e = _error("""
        kind: Config
        environments:
          dev: {local: true}
        """)
    assert e.line == 2 and "must be a list" in e.message and "{name: dev}" in e.message


def test_duplicate_environment_names_first_line():
    e = _error("""
        environments:
          - name: dev
          - name: prod
          - name: dev
            local: true
        """)
    assert e.line == 4
    assert "'dev'" in e.message and "first at line 2" in e.message


def test_duplicate_environment_short_and_long_form():
    e = _error("""
        environments:
          - dev
          - {name: dev}
        """)
    assert e.line == 3 and "first at line 2" in e.message


def test_environment_without_name():
    e = _error("""
        environments:
          - name: dev
          - protected: true
        """)
    assert e.line == 3 and "environment 2" in e.message and "name" in e.message


def test_bad_missing_action():
    e = _error("""
        schemas:
          missing:
            default: warn
            "*.upbound.io": fail
        """)
    assert e.line == 4 and "'fail'" in e.message and "error, warn" in e.message


def test_bad_kubernetes_version_names_xyz_form():
    e = _error("""
        kind: Config
        kubernetesVersion: "1.25"
        """)
    assert e.line == 2 and "'1.25'" in e.message and "x.y.z" in e.message


def test_unquoted_kubernetes_version_is_a_number():
    e = _error("kubernetesVersion: 1.25\n")
    assert e.line == 1 and "x.y.z" in e.message and "quotes" in e.message


def test_non_bool_strict():
    e = _error("""
        schemas:
          strict: "yes"
        """)
    assert e.line == 2 and "schemas.strict must be true or false" in e.message


def test_number_where_a_string_is_expected():
    e = _error("paths: {base: 2024}\n")
    assert e.line == 1 and "paths.base must be a string" in e.message and '"2024"' in e.message


def test_two_documents():
    e = _error("""
        kind: Config
        ---
        kind: Config
        """)
    assert e.line == 3 and "one document" in e.message and "---" in e.message


def test_not_a_mapping():
    e = _error("- dev\n- prod\n")
    assert e.line == 1 and "mapping" in e.message


def test_error_file_is_the_path_given(tmp_path):
    p = tmp_path / "conf.yaml"
    p.write_text("apiVersion: v1\n")
    with pytest.raises(ConfigError) as ei:
        load_config(path=str(p))
    assert str(ei.value).startswith("%s:1: " % p)


# --------------------------------------------------------------------------------------
# the JSON Schema agrees with config.py
# --------------------------------------------------------------------------------------

AGREEMENT = [
    # (id, document, valid)
    ("minimal", "kind: Config\n", True),
    ("design-example", """
        apiVersion: kustgen.dev/v1alpha1
        kind: Config
        repoURL: https://git.example.com/team/infra.git
        kubernetesVersion: "1.32.0"
        paths: {base: base, overlays: overlays}
        environments:
          - {name: dev, local: true}
          - {name: staging}
          - {name: prod, protected: true}
        schemas:
          crds: [crds/]
          locations: []
          missing: {default: warn, "*.upbound.io": error}
        promotion:
          envSpecificFiles: ["provider-config.yaml"]
          envSpecificFields: [spec.forProvider.region, spec.deletionPolicy]
        rules:
          KG101: {severity: error, environments: [prod]}
        """, True),
    ("short-env-names", "environments: [dev, prod]\n", True),
    ("all-schema-keys", """
        schemas:
          crds: crds/
          locations: ["default", "https://example.com/{{ .ResourceKind }}.json"]
          vendor: vendor/schemas
          missing: skip
          strict: false
          cel: false
          offline: true
          cache: .cache
        """, True),
    ("master-and-v", 'kubernetesVersion: master\n', True),
    ("v-prefix", 'kubernetesVersion: "v1.31.0"\n', True),
    ("empty-sections", "paths:\nschemas:\npromotion:\nrules:\nenvironments:\n", True),
    ("unknown-top", "enviroments: [dev]\n", False),
    ("old-lint-key", "lint: {}\n", False),
    ("wrong-api-version", "apiVersion: kustgen.dev/v1\n", False),
    ("wrong-kind", "kind: Kustomization\n", False),
    ("envs-not-list", "environments: {dev: {}}\n", False),
    ("env-unknown-key", "environments: [{name: dev, protect: true}]\n", False),
    ("env-no-name", "environments: [{local: true}]\n", False),
    ("env-empty-name", 'environments: [""]\n', False),
    ("env-number", "environments: [1]\n", False),
    ("env-local-string", 'environments: [{name: dev, local: "true"}]\n', False),
    ("bad-missing", "schemas: {missing: {default: fail}}\n", False),
    ("bad-missing-one", "schemas: {missing: fatal}\n", False),
    ("bad-k8s-version", 'kubernetesVersion: "1.25"\n', False),
    ("k8s-version-number", "kubernetesVersion: 1.25\n", False),
    ("vmaster", "kubernetesVersion: vmaster\n", False),
    ("strict-string", 'schemas: {strict: "true"}\n', False),
    ("crds-number-item", "schemas: {crds: [1]}\n", False),
    ("crds-empty-string", 'schemas: {crds: ""}\n', False),
    ("schemas-unknown", "schemas: {vendored: x}\n", False),
    ("paths-unknown", "paths: {overlay: envs}\n", False),
    ("paths-base-number", "paths: {base: 2024}\n", False),
    ("repo-url-list", "repoURL: [a]\n", False),
    ("promotion-list", "promotion: [a]\n", False),
    ("rules-string", "rules: strict\n", False),
    ("platform-full", """
        platform:
          path: control-plane
          families: [s3, rds]
          tests: {image: ghcr.io/acme/tests:1.2, command: [go, test, ./...], timeout: 1h30m}
          wait: {timeout: 90s}
          git: {secret: acme-git, branch: trunk}
          images: {kustgen: ghcr.io/acme/kustgen:0.8, kubectl: bitnami/kubectl:1.32}
        """, True),
    ("platform-empty", "platform: {}\n", True),
    ("platform-command-string", "platform: {tests: {command: make test}}\n", True),
    ("platform-unknown", "platform: {famlies: [s3]}\n", False),
    ("platform-family-upper", "platform: {families: [S3]}\n", False),
    ("platform-families-empty", "platform: {families: []}\n", False),
    ("platform-timeout", "platform: {tests: {timeout: soon}}\n", False),
    ("platform-image", "platform: {images: {kustgen: \"Not An Image\"}}\n", False),
    ("platform-git-unknown", "platform: {git: {token: x}}\n", False),
    ("platform-command-empty", "platform: {tests: {command: []}}\n", False),
    ("top-list", "- kind: Config\n", False),
]


def _parser_accepts(text: str) -> bool:
    try:
        parse_config(text, "kustgen.yaml")
    except ConfigError:
        return False
    return True


@pytest.mark.parametrize("text,valid", [(textwrap.dedent(t).lstrip("\n"), v)
                                        for _, t, v in AGREEMENT],
                         ids=[i for i, _, _ in AGREEMENT])
def test_schema_agrees_with_parser(validator, text, valid):
    schema_ok = validator.is_valid(yaml.safe_load(text))
    assert (_parser_accepts(text), schema_ok) == (valid, valid), \
        [e.message for e in validator.iter_errors(yaml.safe_load(text))]


def test_schema_is_draft7_and_documented(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"

    def walk(node, where):
        for name, sub in node.get("properties", {}).items():
            assert sub.get("title") and sub.get("description"), where + name
            walk(sub, where + name + ".")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(node[key], where)
        for alt in node.get("oneOf", []):
            walk(alt, where)
    walk(schema, "")


def test_schema_knows_the_parsers_keys(schema):
    """The keys config.py accepts are exactly the schema's (unknown keys are errors)."""
    props = schema["properties"]
    assert set(props) == {"apiVersion", "kind", "repoURL", "kubernetesVersion", "paths",
                          "environments", "schemas", "promotion", "rules", "platform"}
    assert set(props["platform"]["properties"]) == {"path", "families", "tests", "wait",
                                                    "git", "images"}
    for key in props:
        assert _parser_accepts("%s:\n" % key), key
    assert set(props["schemas"]["properties"]) == {"crds", "locations", "vendor", "missing",
                                                   "strict", "cel", "offline", "cache"}
    assert set(props["paths"]["properties"]) == {"base", "overlays"}
    env = [a for a in props["environments"]["items"]["oneOf"] if a["type"] == "object"][0]
    assert set(env["properties"]) == {"name", "path", "local", "protected"}
    actions = props["schemas"]["properties"]["missing"]["oneOf"][0]["enum"]
    from kustgen.config import _MISSING_ACTIONS
    assert set(actions) == set(_MISSING_ACTIONS)
    for a in actions:
        assert _parser_accepts("schemas: {missing: {default: %s}}\n" % a)
    assert props["rules"]["type"] == ["object", "null"]
    rule = [a for a in props["rules"]["additionalProperties"]["anyOf"]
            if a.get("type") == "object"][0]
    from kustgen.lint.settings import _RULE_KEYS
    assert set(rule["properties"]) == set(_RULE_KEYS)
    assert set(props["promotion"]["properties"]) == {
        "envSpecificFiles", "envSpecificFields", "envSpecificDefaults"}
    assert not _parser_accepts("promotion: {envSpecificFeilds: []}\n")


# --------------------------------------------------------------------------------------
# the CLI: one line, exit 2
# --------------------------------------------------------------------------------------

def _run_validate(tmp_path, *args):
    env = dict(os.environ)
    env.pop("KUSTGEN_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "kustgen", "validate", *args], cwd=tmp_path,
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("text,line", [
    ("apiVersion: kustgen.dev/v1alpha1\nenviroments: [dev]\n", 2),
    ('kind: Config\nkubernetesVersion: "1.25"\n', 2),
])
def test_cli_bad_config_is_one_line_exit_2(tmp_path, text, line):
    (tmp_path / ".git").mkdir()
    (tmp_path / "bad.yaml").write_text(text)
    p = _run_validate(tmp_path, "--config", "bad.yaml")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "bad.yaml:%d: " % line in lines[0]


def test_cli_bad_config_message_format(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "bad.yaml").write_text("apiVersion: kustgen.dev/v1alpha1\nenviroments: []\n")
    p = _run_validate(tmp_path, "--config", "bad.yaml")
    assert p.stderr.startswith("kustgen: bad.yaml:2: unknown key 'enviroments'"), p.stderr
    assert "internal error" not in p.stderr
