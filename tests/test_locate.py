"""A field path of a rendered resource maps back to the file:line:column a user edits."""

from __future__ import annotations

from kustgen.kustomize.pipeline import BuildSession
from kustgen.kustomize.provenance import locate


def write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def test_fields_map_to_base_file_or_patch(tmp_path):
    write(tmp_path, {
        "base/kustomization.yaml": "resources:\n- db.yaml\n- list.yaml\n",
        "base/db.yaml": ("apiVersion: rds.aws.upbound.io/v1beta3\nkind: Instance\n"
                         "metadata:\n  name: orders\nspec:\n  forProvider:\n"
                         "    instanceClass: db.t3.micro\n    allocatedStorage: 20\n"
                         "    tags:\n    - key: team\n      value: orders\n"),
        "base/list.yaml": ("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
                           "  metadata:\n    name: a\n  data:\n    k: v\n"),
        "prod/kustomization.yaml": "resources:\n- ../base\npatches:\n- path: size.yaml\n",
        "prod/size.yaml": ("apiVersion: rds.aws.upbound.io/v1beta3\nkind: Instance\n"
                           "metadata:\n  name: orders\nspec:\n  forProvider:\n"
                           "    instanceClass: db.m5.large\n"),
    })
    s = BuildSession()
    res = {r.kind: r for r in s.build(str(tmp_path / "prod"))}
    db = res["Instance"]
    o = locate(s.cache, db, ("spec", "forProvider", "instanceClass"))
    assert (o.file, o.line) == (str(tmp_path / "prod" / "size.yaml"), 7)
    o = locate(s.cache, db, ("spec", "forProvider", "allocatedStorage"))
    assert (o.file, o.line, o.column) == (str(tmp_path / "base" / "db.yaml"), 8, 5)
    o = locate(s.cache, db, ("spec", "forProvider", "tags", 0, "value"))
    assert (o.line, o.column) == (11, 7)
    # a field that does not exist in the source: its nearest existing parent
    o = locate(s.cache, db, ("spec", "forProvider", "region"))
    assert (o.file, o.line) == (str(tmp_path / "base" / "db.yaml"), 6)
    cm = res["ConfigMap"]
    o = locate(s.cache, cm, ("data", "k"))
    assert (o.file, o.line, o.column) == (str(tmp_path / "base" / "list.yaml"), 9, 5)


def test_a_subtree_added_by_a_patch_points_at_the_patch(tmp_path):
    write(tmp_path, {
        "base/kustomization.yaml": "resources:\n- v.yaml\n",
        "base/v.yaml": ("apiVersion: s3.aws.upbound.io/v1beta2\nkind: BucketVersioning\n"
                        "metadata:\n  name: logs\nspec:\n  forProvider:\n    region: eu-west-1\n"),
        "prod/kustomization.yaml": ("resources:\n- ../base\npatches:\n- target: {kind: BucketVersioning}\n"
                                    "  path: tags.yaml\n"),
        "prod/tags.yaml": ("apiVersion: s3.aws.upbound.io/v1beta2\nkind: BucketVersioning\n"
                           "metadata:\n  name: any\nspec:\n  forProvider:\n    tags:\n"
                           "      team: orders\n      env: prod\n"),
    })
    s = BuildSession()
    [r] = s.build(str(tmp_path / "prod"))
    o = locate(s.cache, r, ("spec", "forProvider", "tags"))
    assert o.file == str(tmp_path / "prod" / "tags.yaml") and o.line == 8   # its first line
