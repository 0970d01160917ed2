#!/usr/bin/env bash
# The release steps, shared by .github/workflows/release.yml and a maintainer's shell:
#   scripts/release.sh check vX.Y.Z       the tag matches package.json, CHANGELOG has its section,
#                                         and dist/ is what src/ builds to
#   scripts/release.sh notes vX.Y.Z       prints the CHANGELOG section of that version
#   scripts/release.sh move-major vX.Y.Z  points the major tag (vX) at the same commit (local only;
#                                         push it with `git push --force origin refs/tags/vX`)
set -euo pipefail
cd "$(dirname "$0")/.."

command=${1:?usage: scripts/release.sh check|notes|move-major vX.Y.Z}
tag=${2:?usage: scripts/release.sh check|notes|move-major vX.Y.Z}
if [[ ! $tag =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]]; then
  echo "release: \"$tag\" is not a version tag like v1.2.3" >&2
  exit 1
fi
version=${tag#v}
major="v${BASH_REMATCH[1]}"

notes() {
  # From the version's heading to the next version heading or link definitions.
  awk -v v="$version" '
    $0 ~ "^## \\[" v "\\]" { on = 1; next }
    on && (/^## \[/ || /^\[[^]]+\]: /) { exit }
    on { print }
  ' CHANGELOG.md
}

case $command in
  check)
    actual=$(node -p "require('./package.json').version")
    if [ "$actual" != "$version" ]; then
      echo "release: the tag says $version but package.json says $actual" >&2
      exit 1
    fi
    if [ -z "$(notes | tr -d '[:space:]')" ]; then
      echo "release: CHANGELOG.md has no section \"## [$version]\"" >&2
      exit 1
    fi
    npm run package --silent
    if [ -n "$(git status --porcelain --untracked-files=all -- dist)" ]; then
      echo "release: dist/ is not what src/ builds to; run 'npm run package' and commit dist/" >&2
      exit 1
    fi
    echo "release: $tag is ready"
    ;;
  notes) notes ;;
  move-major)
    git tag --force "$major" "$tag^{commit}"
    echo "release: $major now points at $tag ($(git rev-parse --short "$tag^{commit}"))"
    ;;
  *)
    echo "release: unknown command \"$command\"" >&2
    exit 1
    ;;
esac
