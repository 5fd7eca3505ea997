#!/usr/bin/env bash
# Puts Resilience Workbook in the desktop's application menu (Linux, freedesktop):
# the `.desktop` entry and the icon at every size in assets/icon/, under ~/.local/share.
# Run it after `cargo install --path .`, which puts `workbook` on the PATH (~/.cargo/bin).
# The app id `resilience-workbook` is the window's app id, the icon's name and the
# entry's StartupWMClass, so the desktop matches the running window to its entry.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
for size in 32 48 64 128 256; do
  dir="$DATA/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  cp "assets/icon/resilience-workbook-$size.png" "$dir/resilience-workbook.png"
done
mkdir -p "$DATA/applications"
cp assets/resilience-workbook.desktop "$DATA/applications/"
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
command -v workbook >/dev/null || echo "note: workbook is not on the PATH yet: run cargo install --path ." >&2
echo "installed: $DATA/applications/resilience-workbook.desktop"
