#!/usr/bin/env bash
# Screenshots of the site built from the bundled library, for the README (docs/site-*.png).
# Needs chromium (apt-get install chromium) and, to keep the files small, pngquant.
set -euo pipefail
cd "$(dirname "$0")/.."
site=$(mktemp -d)/public
export TIP_TODAY=2026-11-25 TIP_NO_BUNDLED= TIP_LIBRARY= TIP_CONFIG=/nonexistent/config.toml
export TIP_CACHE_DIR=$(mktemp -d) TIP_DATA_DIR=$(mktemp -d)
tip=${TIP:-.venv/bin/tip}
"$tip" site build "$site" >/dev/null
shot() {  # shot NAME PAGE WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$(mktemp -d)" --window-size="$3,$4" --screenshot="docs/site-$1.png" \
    "file://$site/$2" >/dev/null 2>&1
  if command -v pngquant >/dev/null; then pngquant --force --skip-if-larger --output "docs/site-$1.png" "docs/site-$1.png" || true; fi
}
tipfile=$(cd "$site" && ls tips | grep -m1 '^let-them-finish')
shot home-phone index.html 390 844
shot home-desktop index.html 1280 900
shot tip-phone "tips/$tipfile" 390 844
shot tip-desktop "tips/$tipfile" 1280 900
shot category-phone categories/empathy/index.html 390 844
shot category-desktop categories/empathy/index.html 1280 900
ls -l docs/site-*.png
