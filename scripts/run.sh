#!/usr/bin/env bash
# Builds and launches Agent Factory Console. On a fresh Debian/Ubuntu machine it first installs
# what is missing (as root), or prints the exact install command (otherwise).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

prepare "${BUILD_PACKAGES[@]}"

step "Building the UI"
npm --prefix "$ROOT/ui" run build

step "Building the app"
cargo build --manifest-path "$ROOT/Cargo.toml" --workspace

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). Built: $ROOT/target/debug/agent-factory-console"
fi
step "Launching Agent Factory Console"
exec "$ROOT/target/debug/agent-factory-console" "$@"
