"""Every rendered resource knows its source file:line, and which file:line set each field a
patch or transformer changed."""

from __future__ import annotations


from kustgen.kustomize.pipeline import BuildSession
from kustgen import api


def write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


FILES = {
    "base/kustomization.yaml": "resources:\n- bucket.yaml\n",
    "base/bucket.yaml": (
        "# a team bucket\n"
        "apiVersion: s3.aws.upbound.io/v1beta2\n"
        "kind: Bucket\n"
        "metadata:\n"
        "  name: logs\n"
        "spec:\n"
        "  forProvider:\n"
        "    region: us-east-1\n"),
    "prod/kustomization.yaml": (
        "resources:\n"
        "- ../base\n"
        "namePrefix: prod-\n"
        "commonLabels:\n"
        "  env: prod\n"
        "patches:\n"
        "- path: region.yaml\n"
        "- target: {kind: Bucket}\n"
        "  patch: |-\n"
        "    - op: add\n"
        "      path: /spec/deletionPolicy\n"
        "      value: Orphan\n"),
    "prod/region.yaml": (
        "apiVersion: s3.aws.upbound.io/v1beta2\n"
        "kind: Bucket\n"
        "metadata:\n"
        "  name: logs\n"
        "spec:\n"
        "  forProvider:\n"
        "    region: eu-central-1\n"),
}


def test_resource_and_field_origins(tmp_path):
    write(tmp_path, FILES)
    [res] = BuildSession().build(str(tmp_path / "prod"))
    assert res.name == "prod-logs"
    assert res.origin.file == str(tmp_path / "base" / "bucket.yaml")
    assert res.origin.line == 2            # the document starts after the comment
    fo = res.field_origins
    region = fo[("spec", "forProvider", "region")]
    assert region.file == str(tmp_path / "prod" / "region.yaml") and region.line == 7
    name = fo[("metadata", "name")]
    assert name.file == str(tmp_path / "prod" / "kustomization.yaml") and name.line == 3
    label = fo[("metadata", "labels", "env")]
    assert label.line == 4 and label.via == "commonLabels"
    dp = fo[("spec", "deletionPolicy")]
    assert dp.file == str(tmp_path / "prod" / "kustomization.yaml") and "json6902" in dp.via


def test_origins_flag_prints_comments_but_same_documents(tmp_path, monkeypatch):
    import yaml
    write(tmp_path, FILES)
    monkeypatch.chdir(tmp_path)
    plain = api.build("prod")
    [r] = api.render(["prod"])[0].resources
    with_origins = api.render_with_origins([r])
    assert "# source: base/bucket.yaml:2" in with_origins
    assert "# spec.forProvider.region: prod/region.yaml:7 (patch)" in with_origins
    assert list(yaml.safe_load_all(with_origins)) == list(yaml.safe_load_all(plain))


def test_replacement_targets_point_at_their_entry(tmp_path):
    write(tmp_path, dict(FILES, **{
        "dev/kustomization.yaml": (
            "resources:\n"
            "- ../base\n"
            "- settings.yaml\n"
            "replacements:\n"
            "- source: {kind: ConfigMap, name: settings, fieldPath: data.region}\n"
            "  targets:\n"
            "  - select: {kind: Bucket}\n"
            "    fieldPaths: [spec.forProvider.region]\n"
            "- path: more.yaml\n"),
        "dev/settings.yaml": (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
            "data:\n  region: eu-west-1\n  team: data\n"),
        "dev/more.yaml": (
            "source: {kind: ConfigMap, name: settings, fieldPath: data.team}\n"
            "targets:\n"
            "- select: {kind: Bucket}\n"
            "  fieldPaths: [metadata.labels.team]\n"
            "  options: {create: true}\n")}))
    res = [r for r in BuildSession().build(str(tmp_path / "dev")) if r.kind == "Bucket"][0]
    assert res.obj["spec"]["forProvider"]["region"] == "eu-west-1"
    region = res.field_origins[("spec", "forProvider", "region")]
    assert (region.file, region.line, region.via) == (
        str(tmp_path / "dev" / "kustomization.yaml"), 7, "replacements")
    team = res.field_origins[("metadata", "labels", "team")]
    assert (team.file, team.line) == (str(tmp_path / "dev" / "more.yaml"), 3)


def test_inline_patches_point_at_their_own_lines(tmp_path):
    """A field set by an inline patch is located at its line inside the kustomization:
    the strategic-merge key, or the JSON patch operation's value."""
    write(tmp_path, {
        "base/kustomization.yaml": "resources:\n- cm.yaml\n",
        "base/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n"
                        "  a: \"1\"\n",
        "o/kustomization.yaml": (
            "resources:\n- ../base\npatches:\n"
            "- target:\n    kind: ConfigMap\n  patch: |-\n"
            "    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: s\n"
            "    data:\n      a: \"2\"\n"                     # line 12
            "- target:\n    kind: ConfigMap\n  patch: |-\n"
            "    - op: add\n      path: /data/b\n      value: \"3\"\n"),   # line 18
        "o/b.yaml": "- op: add\n  path: /data/c\n  value: \"4\"\n",
    })
    k = tmp_path / "o" / "kustomization.yaml"
    k.write_text(k.read_text() + "- target:\n    kind: ConfigMap\n  path: b.yaml\n")
    [res] = BuildSession().build(str(tmp_path / "o"))
    fo = res.field_origins
    assert fo[("data", "a")].line == 12 and fo[("data", "a")].file == str(k)
    assert fo[("data", "b")].line == 18 and fo[("data", "b")].file == str(k)
    c = fo[("data", "c")]
    assert (c.file, c.line) == (str(tmp_path / "o" / "b.yaml"), 3)
