"""KG402: Secret values written in Git (secretGenerator literals, Secret manifests with
data)."""

from __future__ import annotations

import os

from kustgen.lint.rule import ALL, Hit, Option, Rule
from kustgen.model import Severity

_FIX = ("keep the value out of Git: create the Secret in the cluster, or commit it "
        "encrypted (Sealed Secrets, SOPS) or as an ExternalSecret")


def _placeholder(v) -> bool:
    return isinstance(v, str) and ("${" in v or "{{" in v)


def _literal_key(entry: str) -> str:
    return entry.split("=", 1)[0].strip()


class SecretLiteral(Rule):
    id = "KG402"
    name = "secret-literal"
    category = "general"
    summary = "A Secret value is committed in plain text (secretGenerator literals, or a " \
              "Secret manifest with data/stringData)"
    severity = Severity.ERROR
    environments = ALL
    options = {
        "allowKeys": Option([], "key names whose value may be written in Git (an endpoint "
                                "URL, a user name)"),
    }
    doc = """\
A Secret's `data` is only base64-encoded and `stringData` is plain text: whoever can
read the repository (every clone, fork, CI log and backup) has the credentials, for as
long as the Git history exists. Crossplane reads cloud credentials from Secrets
(ProviderConfig `credentials.secretRef`), so a leaked one opens the cloud account.

The rule reports:
- `secretGenerator` entries with `literals` in a kustomization that a protected
  environment's overlay builds (the finding is about that environment);
- Secret manifests (`v1` Secret from a file, not generated) with non-empty `data` or
  `stringData`, in every environment except local ones (`local: true` in kustgen.yaml:
  LocalStack's `test`/`test` credentials are no secret) and in plain manifests.
  Values written as `${...}` substitutions are not literals.

Messages name the keys, never the values. Fix: create the Secret in the cluster (the
ProviderConfig credentials of `kustgen init` are), or commit it encrypted (Sealed
Secrets, SOPS) or as an ExternalSecret. Keys that are not secret (an endpoint, a region)
can be allowed with the option `allowKeys`; rotate any credential that was committed.
"""
    bad = {
        "overlays/prod/kustomization.yaml": """\
resources:
  - provider-config.yaml
secretGenerator:
  - name: aws-creds
    namespace: crossplane-system
    literals:
      - credentials=[default]aws_access_key_id=AKIAEXAMPLE
""",
        "overlays/prod/provider-config.yaml": """\
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: default
spec:
  credentials:
    source: Secret
    secretRef:
      namespace: crossplane-system
      name: aws-creds
      key: credentials
""",
    }
    good = {
        "overlays/prod/kustomization.yaml": "resources:\n  - provider-config.yaml\n",
        "overlays/prod/provider-config.yaml": bad["overlays/prod/provider-config.yaml"],
    }

    def check(self, ctx, opts):
        allow = opts.get("allowKeys") or []
        allow = {str(k) for k in ([allow] if isinstance(allow, str) else allow)}
        yield from self._generators(ctx, allow)
        yield from self._manifests(ctx, allow)

    def _generators(self, ctx, allow):
        prot = [o for o in ctx.overlays if o.env.protected]
        if not prot:
            return
        for k in ctx.kustomizations.values():
            gens = k.data.get("secretGenerator")
            if not isinstance(gens, list):
                continue
            real = os.path.realpath(k.file)
            envs = sorted({o.env.name for o in prot
                           if k.file in o.inputs or real in o.inputs or
                           real in {os.path.realpath(p) for p in o.inputs}})
            if not envs:
                continue
            for i, g in enumerate(gens):
                lits = g.get("literals") if isinstance(g, dict) else None
                if not isinstance(lits, list):
                    continue
                keys = [_literal_key(x) for x in lits if isinstance(x, str)
                        and not _placeholder(x.split("=", 1)[-1])]
                keys = [x for x in keys if x not in allow]
                if not keys:
                    continue
                msg = ("secretGenerator %s writes %s %s as literals in Git, and protected "
                       "environment%s %s build%s it: %s"
                       % (g.get("name") or "?", "key" if len(keys) == 1 else "keys",
                          ", ".join(keys), "s" if len(envs) > 1 else "", ", ".join(envs),
                          "" if len(envs) > 1 else "s", _FIX))
                for env in envs:       # same message: the engine reports it once
                    yield Hit(msg, k.origin("secretGenerator", i, "literals"),
                              environment=env)

    def _manifests(self, ctx, allow):
        for ov, res in ctx.resources():
            if res.kind != "Secret" or res.api_version != "v1":
                continue
            o = res.origin
            if o is None or o.via or res.behavior:
                continue       # generated: the generator entry is what is in Git
            if ov is not None:
                if ov.env.local:
                    continue
            elif o.file and self._local_file(ctx, o.file):
                continue
            for fld in ("stringData", "data"):
                d = res.obj.get(fld)
                if not isinstance(d, dict):
                    continue
                keys = [k for k, v in d.items() if v not in (None, "")
                        and not _placeholder(v) and str(k) not in allow]
                if not keys:
                    continue
                yield Hit("Secret %s holds %s %s in %s, committed to Git%s: %s"
                          % (res.name or "?", "key" if len(keys) == 1 else "keys",
                             ", ".join(str(k) for k in keys), fld,
                             " (base64 is an encoding, not encryption)" if fld == "data"
                             else "", _FIX),
                          resource=res, path=(fld, keys[0]),
                          overlay=ov.path if ov is not None else "")

    @staticmethod
    def _local_file(ctx, file: str) -> bool:
        d = os.path.dirname(os.path.abspath(file))
        root = ctx.root
        while True:
            env = ctx.env_of_dir(d)
            if env.name:
                return env.local
            if d == root or os.path.dirname(d) == d or not d.startswith(root):
                return False
            d = os.path.dirname(d)


RULE = SecretLiteral
