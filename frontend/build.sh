#!/usr/bin/env bash
# Rebuilds SV Portal's vendored GOV.UK Frontend assets into ../static/govuk/.
# Node is needed only here: the output is committed, so CI and the running
# portal never need Node. See docs/decisions/0006-govuk-frontend-vendored.md.
set -euo pipefail

cd "$(dirname "$0")"
out=../static/govuk

# Exact versions from package-lock.json; no install scripts are needed (sass is
# pure JavaScript, and its optional file watcher is not used here).
npm ci --ignore-scripts --no-audit --no-fund

govuk_version=$(node -p 'require("./node_modules/govuk-frontend/package.json").version')
sass_version=$(node -p 'require("./node_modules/sass/package.json").version')
dist=node_modules/govuk-frontend/dist/govuk

mkdir -p "$out"
rm -f "$out"/govuk-frontend.min.css "$out"/govuk-frontend.min.js "$out"/govuk-frontend.min.js.map

npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
  portal.scss "$out/govuk-frontend.min.css.tmp"
# Sass starts its compressed output with a UTF-8 byte order mark, as the CSS
# has non-ASCII characters; keep the mark first, before the provenance line.
bom=$'\xEF\xBB\xBF'
{
  printf '%s/*! govuk-frontend %s compiled with sass %s by frontend/build.sh from frontend/portal.scss: do not edit by hand */\n' \
    "$bom" "$govuk_version" "$sass_version"
  sed "1s/^$bom//" "$out/govuk-frontend.min.css.tmp"
} > "$out/govuk-frontend.min.css"
rm "$out/govuk-frontend.min.css.tmp"

# The ES module bundle, with its source map: the bundle names the map in a
# sourceMappingURL comment, which Django's manifest storage follows.
cp "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" "$out/"

# Checks: no GDS Transport, and no reference to a file we do not ship (such as
# the crown images or the GDS Transport font files).
css="$out/govuk-frontend.min.css"
if grep -qi 'GDS Transport\|@font-face' "$css"; then
  echo "build.sh: $css still refers to GDS Transport" >&2
  exit 1
fi
status=0
while IFS= read -r ref; do
  path=${ref#url(}; path=${path%)}; path=${path//\"/}; path=${path//\'/}
  case "$path" in
    data:*) continue ;;
    /static/*) file="../static/${path#/static/}" ;;
    *) file="$out/$path" ;;
  esac
  if [ ! -f "$file" ]; then
    echo "build.sh: $css refers to $path, which is not shipped" >&2
    status=1
  fi
done < <(grep -o 'url([^)]*)' "$css" | sort -u)
exit "$status"
