#!/usr/bin/env bash
# Checks the packages scripts/bundle.sh built: installs the .deb (with dpkg as root; otherwise
# unpacked into a scratch prefix), runs the installed afctl (--version, every subcommand's --help,
# its manual pages and completions), launches the installed app under Xvfb and reads the version
# in its About dialog (the end-to-end test `installed_package…`), reads the .rpm's header and file
# list, and removes the package again. Usage: scripts/check-package.sh BUNDLE_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

bundle="${1:?usage: scripts/check-package.sh BUNDLE_DIR (target/release/bundle)}"
debs=("$bundle"/deb/*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
  die "expected one .deb in $bundle/deb/, found: ${debs[*]}"
fi
deb="${debs[0]}"
name="$(dpkg-deb -f "$deb" Package)"
version="$(dpkg-deb -f "$deb" Version)"
[ "$version" = "$(cargo metadata --format-version 1 --no-deps | node -pe 'JSON.parse(require("fs").readFileSync(0)).packages.find((p) => p.name === "afctl").version')" ] \
  || die "the package's version $version is not the workspace's"
step "Checking $(basename "$deb") ($name $version, $(du -h "$deb" | cut -f1))"

# What the package must hold (paths as dpkg-deb lists them, and rpm with a leading /).
expected=(usr/bin/agent-factory-console usr/bin/afctl usr/share/man/man1/afctl.1.gz
  usr/share/man/man1/afctl-db-query.1.gz usr/share/bash-completion/completions/afctl
  usr/share/zsh/vendor-completions/_afctl usr/share/fish/vendor_completions.d/afctl.fish
  "usr/share/applications/Agent Factory Console.desktop"
  usr/share/icons/hicolor/128x128/apps/agent-factory-console.png)
# bundle.sh packs the files with xz (the Tauri bundler's gzip made the .deb twice the size).
ar t "$deb" | grep -qx data.tar.xz || die "the .deb's files are not compressed with xz: $(ar t "$deb" | tr '\n' ' ')"
listing="$(dpkg-deb -c "$deb" | sed -E 's/^([^ ]+ +){5}//; s/ -> .*//; s|^\./||')"
for path in "${expected[@]}"; do
  grep -qxF "$path" <<<"$listing" || die "the .deb lacks /$path"
done

if [ "$(id -u)" = 0 ]; then
  prefix=""
  dpkg -s "$name" >/dev/null 2>&1 && die "$name is installed already: remove it first (dpkg -r $name)"
  trap 'dpkg -r "$name" >/dev/null 2>&1 || true' EXIT
  dpkg -i "$deb"
else
  prefix="$(mktemp -d)"
  trap 'rm -rf "$prefix"' EXIT
  dpkg-deb -x "$deb" "$prefix"
fi
bin="$prefix/usr/bin"

step "Installed afctl"
[ "$("$bin/afctl" --version)" = "afctl $version" ] || die "afctl --version: $("$bin/afctl" --version)"
if [ -z "$prefix" ]; then
  [ "$(command -v afctl)" = /usr/bin/afctl ] || die "afctl is not on the PATH as /usr/bin/afctl"
fi
# A name starts its line after two spaces; wrapped descriptions are indented further.
subcommands="$("$bin/afctl" --help | sed -n '/^Commands:/,/^$/p' | grep -E '^  [a-z]' | awk '{ print $1 }' | grep -vx help)"
[ "$(wc -l <<<"$subcommands")" -ge 12 ] || die "afctl --help lists too few subcommands: $subcommands"
for sub in $subcommands; do
  "$bin/afctl" "$sub" --help >/dev/null || die "afctl $sub --help failed"
  [ -f "$prefix/usr/share/man/man1/afctl-$sub.1.gz" ] || die "no manual page for afctl $sub"
done
echo "afctl $version: --help of $(wc -w <<<"$subcommands") subcommands, and their manual pages"
zcat "$prefix/usr/share/man/man1/afctl.1.gz" | grep -q "^\.TH afctl 1 .*afctl $version" \
  || die "afctl.1 does not name version $version"
grep -q "^Exec=agent-factory-console" "$prefix/usr/share/applications/Agent Factory Console.desktop" \
  || die "the desktop entry does not start agent-factory-console"

step "Installed app: launched under Xvfb, its About dialog read"
AFC_INSTALLED_APP="$bin/agent-factory-console" AFC_PACKAGE_VERSION="$version" \
  scripts/test-session.sh cargo test --workspace --locked --test e2e -- --ignored --exact \
  installed::installed_package_launches_and_its_about_dialog_reports_the_packages_version

rpms=("$bundle"/rpm/*.rpm)
if command -v rpm >/dev/null; then
  step "Checking $(basename "${rpms[0]}") ($(du -h "${rpms[0]}" | cut -f1))"
  [ "$(rpm -qp --queryformat '%{VERSION}' "${rpms[0]}" 2>/dev/null)" = "$version" ] || die "the .rpm's version is not $version"
  [ "$(rpm -qp --queryformat '%{PAYLOADCOMPRESSOR}' "${rpms[0]}" 2>/dev/null)" = xz ] || die "the .rpm's payload is not compressed with xz (tauri.conf.json)"
  rpm_files="$(rpm -qlp "${rpms[0]}" 2>/dev/null)"
  for path in "${expected[@]}"; do
    grep -qxF "/$path" <<<"$rpm_files" || die "the .rpm lacks /$path"
  done
else
  [ -f "${rpms[0]}" ] || die "no .rpm in $bundle/rpm/"
  echo "rpm is not installed: the .rpm's contents were not read"
fi

if [ -z "$prefix" ]; then
  step "Removing the package"
  dpkg -r "$name"
  trap - EXIT
  for path in /usr/bin/afctl /usr/bin/agent-factory-console /usr/share/man/man1/afctl.1.gz; do
    [ ! -e "$path" ] || die "$path is still there after dpkg -r"
  done
fi
echo "The package installs, runs and uninstalls."
