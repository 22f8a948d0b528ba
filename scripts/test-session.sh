#!/usr/bin/env bash
# Runs a command the way the tests need it: under Xvfb, on a private D-Bus session with an
# unlocked gnome-keyring (a real Secret Service), with XDG folders in a scratch directory.
#   scripts/test-session.sh cargo test -p afc-core --test environments
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_password_role

SESSION_DIR="$(mktemp -d)"
trap 'rm -rf "$SESSION_DIR"' EXIT
export XDG_DATA_HOME="$SESSION_DIR/data" XDG_CONFIG_HOME="$SESSION_DIR/config" XDG_CACHE_HOME="$SESSION_DIR/cache"
export XDG_RUNTIME_DIR="$SESSION_DIR/runtime" NO_AT_BRIDGE=1
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# The inner script is single-quoted on purpose: it expands inside the new session.
# shellcheck disable=SC2016
in_test_session bash -euo pipefail -c '
  # An unlocked Secret Service keyring (the bus activates it on first use, and again if it
  # dies: scripts/dbus-services), checked before any test relies on it.
  printf probe | secret-tool store --label="afc test probe" afc-probe 1
  [ "$(secret-tool lookup afc-probe 1)" = probe ] || { echo "the test keyring does not work" >&2; exit 2; }
  secret-tool clear afc-probe 1
  status=0
  "$@" || status=$?
  # The daemon outlives its bus: stop it with the session.
  pid="$(busctl --user status org.freedesktop.secrets 2>/dev/null | sed -n "s/^PID=//p")"
  [ -z "$pid" ] || kill "$pid"
  exit "$status"
' test-session "$@"
