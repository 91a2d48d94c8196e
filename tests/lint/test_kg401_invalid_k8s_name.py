"""KG401 invalid-k8s-name."""

from __future__ import annotations

from lintkit import lint_tree, messages, where


def run(d, files):
    return lint_tree(d, files, select=["KG401"])


def one(doc):
    return {"kustomization.yaml": "resources:\n  - r.yaml\n", "r.yaml": doc}


BUCKET = """\
apiVersion: s3.aws.upbound.io/v1beta2
kind: Bucket
metadata:
  name: invoices
  labels:
%s
spec:
  forProvider:
    region: eu-west-1
"""


def test_label_keys(tmp_path):
    bad = ["'platform.example.org/cost center': finance",
           "'Example.org/team': payments",
           "'a/b/c': x",
           "'/team': x",
           "'%s': x" % ("k" * 64),
           "'-team': x"]
    for i, line in enumerate(bad):
        d = tmp_path / str(i)
        res = run(d, one(BUCKET % ("    " + line)))
        assert where(res, "KG401", d) == [("r.yaml", 6)], line
    good = ["platform.example.org/cost-center: finance", "team_name: a.b-c", "x: ''",
            "'app.kubernetes.io/name': '${data.name}'"]
    d = tmp_path / "good"
    res = run(d, one(BUCKET % "\n".join("    " + g for g in good)))
    assert where(res, "KG401", d) == [], messages(res, "KG401")


def test_label_values(tmp_path):
    for i, line in enumerate(["team: 'payments and billing'", "tier: %s" % ("v" * 64),
                              "team: '-x'"]):
        d = tmp_path / str(i)
        res = run(d, one(BUCKET % ("    " + line)))
        assert where(res, "KG401", d) == [("r.yaml", 6)], line
    # a kustomization build turns `true` into "true"; a plain manifest keeps the boolean,
    # which the API server rejects
    d = tmp_path / "built"
    assert where(run(d, one(BUCKET % "    enabled: true")), "KG401", d) == []
    d = tmp_path / "plain"
    res = lint_tree(d, {"r.yaml": BUCKET % "    enabled: true"}, paths=["r.yaml"],
                    select=["KG401"])
    assert where(res, "KG401", d) == [("r.yaml", 6)]
    assert "quote it" in messages(res, "KG401")[0]


def test_annotation_keys_and_values(tmp_path):
    doc = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    description: any text at all, with spaces and / slashes
    'bad key': x
    example.org/retries: 3
data:
  a: b
"""
    res = run(tmp_path, one(doc))      # the build makes 3 a string
    assert where(res, "KG401", tmp_path) == [("r.yaml", 7)]
    d = tmp_path / "plain"
    res = lint_tree(d, {"r.yaml": doc}, paths=["r.yaml"], select=["KG401"])
    assert where(res, "KG401", d) == [("r.yaml", 7), ("r.yaml", 8)]


def test_selectors(tmp_path):
    deploy = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: 'web server'
    matchExpressions:
      - key: 'tier/'
        operator: In
        values: [frontend, 'not valid']
  template:
    metadata:
      labels:
        app: 'web server'
    spec:
      containers:
        - name: web
          image: nginx
"""
    res = run(tmp_path, one(deploy))
    assert where(res, "KG401", tmp_path) == [("r.yaml", 8), ("r.yaml", 10), ("r.yaml", 12),
                                             ("r.yaml", 16)]
    mr = """\
apiVersion: ec2.aws.upbound.io/v1beta1
kind: Subnet
metadata:
  name: private-a
spec:
  forProvider:
    region: eu-west-1
    vpcIdSelector:
      matchLabels:
        'network name': main
"""
    d = tmp_path / "mr"
    assert where(run(d, one(mr)), "KG401", d) == [("r.yaml", 10)]


def test_service_selector_map(tmp_path):
    svc = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: 'web server'
  ports:
    - port: 80
"""
    assert where(run(tmp_path, one(svc)), "KG401", tmp_path) == [("r.yaml", 7)]


def test_label_names_of_namespace_and_service(tmp_path):
    ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team.payments\n"
    assert where(run(tmp_path, one(ns)), "KG401", tmp_path) == [("r.yaml", 4)]
    svc = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: 1st-api\n"
           "spec:\n  ports:\n    - port: 80\n")
    d = tmp_path / "svc"
    res = run(d, one(svc))
    assert where(res, "KG401", d) == [("r.yaml", 4)]
    assert "RFC 1035" in messages(res, "KG401")[0]
    # a dotted name is fine for kinds whose names are DNS subdomains
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team.payments\n"
    d = tmp_path / "cm"
    assert where(run(d, one(cm)), "KG401", d) == []
    # not even a DNS subdomain: validate's invalid-name reports it, not this rule
    d = tmp_path / "upper"
    assert where(run(d, one(ns.replace("team.payments", "Team"))), "KG401", d) == []


def test_namespace_reference(tmp_path):
    cm = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
          "  namespace: team.payments\n")
    assert where(run(tmp_path, one(cm)), "KG401", tmp_path) == [("r.yaml", 5)]


def test_label_from_kustomization_is_located_there(tmp_path):
    files = {
        "overlays/prod/kustomization.yaml": """\
resources:
  - bucket.yaml
labels:
  - pairs:
      'platform.example.org/cost center': finance
""",
        "overlays/prod/bucket.yaml": BUCKET % "    team: payments",
    }
    res = run(tmp_path, files)
    assert where(res, "KG401", tmp_path) == [("overlays/prod/kustomization.yaml", 4)]
