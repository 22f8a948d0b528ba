#!/usr/bin/env bash
# Whole-process benchmarks of the release build, under the same virtual display and D-Bus session
# as the end-to-end tests. Prints figures for docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
prepare "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

# What ships (the release packages, production mode) and the blank Tauri page built the same way,
# copied aside: `cargo bench` rebuilds target/release/ for itself.
scripts/bundle.sh --bundles deb,rpm
cargo build --release --locked -p blank-tauri --features tauri/custom-protocol
shipped="$(mktemp -d)"
trap 'rm -rf "$shipped"' EXIT
cp target/release/agent-factory-console target/release/afctl target/release/blank-tauri "$shipped/"
step "Sizes (bytes)"
for f in "$shipped"/* target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  printf '%12d  %s\n' "$(stat -c %s "$f")" "$(basename "$f")"
done
echo "first screen's JavaScript: $(node ui/scripts/first-screen-size.mjs ui/dist)"
# The console beside the blank page (start-up and idle memory), then the rest of the whole-process
# measurements.
AFC_BENCH_APP="$shipped/agent-factory-console" AFC_BENCH_BLANK="$shipped/blank-tauri" \
  in_test_session cargo bench --locked -p agent-factory-console --bench startup
# .env parsing and the Secrets view against a real (test-session) keyring.
scripts/test-session.sh cargo bench --locked -p afc-core --bench secrets
# Migrations against the machine's PostgreSQL.
scripts/test-session.sh cargo bench --locked -p afc-core --bench migrate
# 10,000 agents listed and reconciled (fixture API + PostgreSQL), and a 5,000-agent import plan.
scripts/test-session.sh cargo bench --locked -p afc-core --bench agents
# The quick demo rehearsed against the fixture API; demo data seeded and reset beside 100,000
# rows per table.
scripts/test-session.sh cargo bench --locked -p afc-core --bench demo
# Keyset beside OFFSET paging of 100,000 agents, the schema browser over 2,000 tables, and the
# first rows of a 1,000,000-row result.
scripts/test-session.sh cargo bench --locked -p afc-core --bench database
# Metrics parser throughput and the report over two scrapes.
cargo bench --locked -p afc-core --bench metrics
# CPU used by polling ten environments every second.
cargo bench --locked -p afc-core --bench polling
