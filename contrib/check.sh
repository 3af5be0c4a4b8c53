#!/usr/bin/env bash
# Check the recipes offline (run by .ci/run): the GNU parallel recipe on the sample corpus
# against a single run, byte for byte; the Slurm scripts with shellcheck and bash -n; the
# Kubernetes manifests parse as YAML with the fields an Indexed Job needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BOKASHI:-${CARGO_TARGET_DIR:-target}/debug/bokashi}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" analyze corpus -o "$work/single" -q
BOKASHI=$bin bash contrib/parallel.sh corpus "$work/merged" 4 2
for f in "$work"/single/*.csv "$work/single/manifest.json" "$work/single/report.html"; do
  cmp "$f" "$work/merged/$(basename "$f")"
done
echo "contrib/parallel.sh: 4 shards merged = the single run"
for s in contrib/parallel.sh contrib/slurm.sbatch contrib/slurm-submit.sh contrib/check.sh \
  contrib/browser.sh; do
  bash -n "$s"
  if command -v shellcheck >/dev/null; then shellcheck "$s"; fi
done
python3 - <<'PY'
import yaml
docs = [d for d in yaml.safe_load_all(open("contrib/kubernetes.yaml")) if d]
assert [d["kind"] for d in docs] == ["Job", "Job"], docs
m = docs[0]["spec"]
assert m["completionMode"] == "Indexed" and m["completions"] == 16, m
assert "JOB_COMPLETION_INDEX" in m["template"]["spec"]["containers"][0]["args"][0]
assert "bokashi merge" in docs[1]["spec"]["template"]["spec"]["containers"][0]["args"][0]
print("contrib/kubernetes.yaml: two Jobs, the map Indexed")
PY
