#!/usr/bin/env bash
# Builds release bundles (Linux: .deb and .rpm; macOS: .app/.dmg; Windows: .msi/.exe) with the
# Tauri CLI. Usage: scripts/bundle.sh [tauri build options, e.g. --bundles deb --debug]
#
# The CLI only accepts a tauri.conf.json that sits beside the app crate's Cargo.toml, while this
# repository keeps it at the root (the product's layout; build.rs reads it from there). So the
# config is staged inside src-tauri/ with its paths rebased, for the duration of the build only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
prepare "${BUILD_PACKAGES[@]}"

staged="src-tauri/tauri.conf.json"
trap 'rm -f "$staged"' EXIT
node -e '
  const fs = require("fs");
  const conf = JSON.parse(fs.readFileSync("tauri.conf.json", "utf8"));
  conf.build.frontendDist = "../" + conf.build.frontendDist;
  conf.build.beforeBuildCommand = "npm --prefix ../ui run build";
  conf.bundle.icon = conf.bundle.icon.map((p) => "../" + p);
  fs.writeFileSync(process.argv[1], JSON.stringify(conf, null, 2));
' "$staged"
TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui ui/node_modules/.bin/tauri build "$@"
