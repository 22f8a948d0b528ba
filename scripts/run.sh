#!/usr/bin/env bash
# Builds and launches Agent Factory Console. On a fresh Debian/Ubuntu machine it first installs
# what is missing (as root), or prints the exact install command (otherwise).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

prepare "${BUILD_PACKAGES[@]}"

# The first run's "Try it on this machine" sandbox uses this machine's PostgreSQL and Redis.
if [ "$(id -u)" = 0 ]; then
  step "Checking PostgreSQL and Redis (for the local sandbox)"
  ensure_services
elif ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "PostgreSQL is not running on 127.0.0.1:5432: the local sandbox needs it (sudo apt-get install postgresql redis-server)." >&2
fi

step "Building the UI"
npm --prefix "$ROOT/ui" run build

step "Building the app"
cargo build --manifest-path "$ROOT/Cargo.toml" --workspace

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). Built: $ROOT/target/debug/agent-factory-console"
fi
step "Launching Agent Factory Console"
exec "$ROOT/target/debug/agent-factory-console" "$@"
