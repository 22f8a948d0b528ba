#!/usr/bin/env bash
# Builds the release packages. Linux: .deb and .rpm holding the app, afctl on the PATH, afctl's
# manual pages and its bash, zsh and fish completions, the desktop entry and icons. macOS (.app,
# .dmg) and Windows (.msi): the app. Usage: scripts/bundle.sh [--bundles deb,rpm] [--debug]
# The packages land in target/<profile>/bundle/<format>/; the files staged for them in
# target/<profile>/package/.
#
# The app and afctl are built by one cargo invocation (so the crates they share are compiled
# once, with one set of features), in production mode as `tauri build` builds it
# (tauri/custom-protocol); the Tauri CLI then only bundles them (`tauri bundle`).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
prepare "${BUILD_PACKAGES[@]}"

profile=release
cargo_profile=(--release)
for arg in "$@"; do
  if [ "$arg" = "--debug" ] || [ "$arg" = "-d" ]; then
    profile=debug
    cargo_profile=()
  fi
done
target_dir="$(cargo metadata --format-version 1 --no-deps | node -pe 'JSON.parse(require("fs").readFileSync(0)).target_directory')"
out="$target_dir/$profile"

# AFC_UI_BUILT=1: ui/dist is fresh already (scripts/test.sh has just built it).
if [ "${AFC_UI_BUILT:-}" != 1 ]; then
  step "Building the UI"
  npm --prefix ui run build
fi

if [ "$(uname -s)" = Linux ]; then
  step "Building the app and afctl ($profile)"
  cargo build --locked "${cargo_profile[@]}" -p agent-factory-console -p afctl --features tauri/custom-protocol
  step "Generating afctl's manual pages and shell completions"
  extras="$out/package"
  rm -rf "$extras"
  mkdir -p "$extras/man" "$extras/completions"
  "$out/afctl" manuals "$extras/man"
  gzip -9n "$extras"/man/*.1
  "$out/afctl" completions bash >"$extras/completions/afctl"
  "$out/afctl" completions zsh >"$extras/completions/_afctl"
  "$out/afctl" completions fish >"$extras/completions/afctl.fish"
else
  # macOS and Windows: the Tauri CLI builds the app (a universal macOS binary takes two builds
  # and lipo, which it knows how to do) and bundles it; afctl is not in those packages yet.
  extras=""
fi

# The CLI only accepts a tauri.conf.json beside the app crate's Cargo.toml, while this repository
# keeps it at the root (the product's layout; build.rs reads it from there): the config is staged
# inside src-tauri/ with its paths rebased, for the duration of the bundling only, with the files
# the Linux packages carry besides the app.
staged="src-tauri/tauri.conf.json"
trap 'rm -f "$staged"' EXIT
node -e '
  const fs = require("fs");
  const path = require("path");
  const [staged, extras, afctl] = process.argv.slice(1);
  const conf = JSON.parse(fs.readFileSync("tauri.conf.json", "utf8"));
  conf.build.frontendDist = "../" + conf.build.frontendDist;
  delete conf.build.beforeBuildCommand;
  conf.bundle.icon = conf.bundle.icon.map((p) => "../" + p);
  if (extras) {
    const files = { "/usr/bin/afctl": afctl };
    for (const page of fs.readdirSync(path.join(extras, "man"))) {
      files["/usr/share/man/man1/" + page] = path.join(extras, "man", page);
    }
    const completions = path.join(extras, "completions");
    files["/usr/share/bash-completion/completions/afctl"] = path.join(completions, "afctl");
    files["/usr/share/zsh/vendor-completions/_afctl"] = path.join(completions, "_afctl");
    files["/usr/share/fish/vendor_completions.d/afctl.fish"] = path.join(completions, "afctl.fish");
    conf.bundle.linux = conf.bundle.linux || {};
    for (const format of ["deb", "rpm"]) {
      conf.bundle.linux[format] = { ...(conf.bundle.linux[format] || {}), files };
    }
  }
  fs.writeFileSync(staged, JSON.stringify(conf, null, 2));
' "$staged" "$extras" "$out/afctl"

export TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui
if [ -n "$extras" ]; then
  step "Bundling"
  ui/node_modules/.bin/tauri bundle --ci --features tauri/custom-protocol "$@"
  # The Tauri bundler compresses a .deb's files with gzip and has no setting for it (the .rpm's is
  # set to xz in tauri.conf.json): the .deb is packed again with xz, which takes about half off
  # its size (docs/benchmarks.md, "Size"). dpkg has read xz since 1.15.6 (2010).
  for deb in "$out"/bundle/deb/*.deb; do
    [ -e "$deb" ] || continue
    step "Compressing $(basename "$deb") with xz"
    unpacked="$(mktemp -d)"
    dpkg-deb --raw-extract "$deb" "$unpacked/pkg"
    dpkg-deb --root-owner-group -Zxz -z9 --build "$unpacked/pkg" "$deb" >/dev/null
    rm -rf "$unpacked"
  done
else
  step "Building and bundling"
  ui/node_modules/.bin/tauri build --ci "$@"
fi
echo "Packages: $out/bundle/"
