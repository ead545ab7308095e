#!/usr/bin/env bash
# Tries the README's Quick start as a new user would: builds a minimal Debian 12 root (debootstrap --variant=minbase,
# from this machine's configured Debian mirror), clones the current commit into it, runs the README's two
# Quick-start commands exactly as written (read from the README, not copied here), and reports each command's exit
# status, its time and the test summary. Run it before a change to scripts/setup.sh or to what the tests call lands.
# Needs root (debootstrap, chroot, mounts); installs debootstrap on the host if it is missing.
#   scripts/check_fresh_machine.sh [--keep] [--root DIR]
#     --keep      leave the root in place (default: removed at the end)
#     --root DIR  where to build it (default: a new directory under /var/tmp)
# Exit status: 0 when both commands succeed, 1 when one fails, 2 on a usage error, 4 when the root cannot be built.
set -euo pipefail

keep=0 root=""
while (($#)); do
  case "$1" in
    --keep) keep=1 ;;
    --root) [[ $# -ge 2 ]] || { echo "check_fresh_machine: --root needs a directory" >&2; exit 2; }; root="$2"; shift ;;
    *) echo "check_fresh_machine: unknown option '$1' (valid: --keep, --root DIR)" >&2; exit 2 ;;
  esac
  shift
done
[[ $(id -u) -eq 0 ]] || { echo "check_fresh_machine: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
commit=$(git -C "$repo" rev-parse HEAD)
[[ -z $(git -C "$repo" status --porcelain --untracked-files=no) ]] ||
  echo "check_fresh_machine: note: uncommitted changes are not tested; the root gets commit ${commit:0:12}" >&2

# The README's two Quick-start commands: the first two lines of the first ```sh block after '## Quick start'.
mapfile -t commands < <(awk '/^## Quick start/ {q=1} q && /^```sh/ {b=1; next} b && /^```/ {exit} b && NF {print}' "$repo/README.md")
[[ ${#commands[@]} -eq 2 ]] || { echo "check_fresh_machine: README.md: expected two commands in Quick start's sh block, found ${#commands[@]}" >&2; exit 4; }

# This machine's Debian mirror: the first URI of a deb entry for the main archive (deb822 or one-line form).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}')
[[ -n $mirror ]] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' \
                              /etc/apt/sources.list 2>/dev/null || true)
[[ -n $mirror ]] || { echo "check_fresh_machine: no Debian mirror found in /etc/apt/sources.list(.d)" >&2; exit 4; }

if ! command -v debootstrap >/dev/null; then
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null ||
    { echo "check_fresh_machine: cannot install debootstrap" >&2; exit 4; }
fi

[[ -n $root ]] || root=$(mktemp -d /var/tmp/actbench-fresh.XXXXXX)
chmod 755 "$root"  # mktemp makes it 0700: the root of a system, it must let every user (munge's su) through
logs="$root.logs"  # kept after the root goes
mkdir -p "$logs"
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  ((keep)) && echo "check_fresh_machine: root kept in $root" >&2 || rm -rf --one-file-system "$root"
}
trap cleanup EXIT

elapsed() { local s=$1; printf '%dm%02ds' $((s / 60)) $((s % 60)); }
echo "== debootstrap --variant=minbase bookworm from $mirror into $root"
t0=$SECONDS
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$logs/debootstrap.log" 2>&1 ||
  { tail -20 "$logs/debootstrap.log" >&2; echo "check_fresh_machine: debootstrap failed (log: $logs/debootstrap.log)" >&2; exit 4; }
echo "   $(elapsed $((SECONDS - t0)))"
# The host's apt sources (same mirror and security archive), and a resolver.
rm -f "$root/etc/apt/sources.list"
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" 2>/dev/null || cp /etc/apt/sources.list "$root/etc/apt/" 2>/dev/null || true
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
for m in proc sys dev dev/pts dev/shm; do mkdir -p "$root/$m"; done
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount -t sysfs sysfs "$root/sys" && mounted+=("$root/sys")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
mount -t devpts devpts "$root/dev/pts" && mounted+=("$root/dev/pts")
mount -t tmpfs tmpfs "$root/dev/shm" && mounted+=("$root/dev/shm")

# The current commit, cloned as a user would have it (git is not in minbase: clone from the host).
git clone -q --no-local "$repo" "$root/root/actbench"
git -C "$root/root/actbench" checkout -q "$commit"

status=()
for i in 0 1; do
  echo "== command $((i + 1)): ${commands[i]}"
  log="$logs/command$((i + 1)).log"
  t0=$SECONDS
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb LANG=C.UTF-8 \
    /bin/bash -c "cd /root/actbench && ${commands[i]}" > "$log" 2>&1
  rc=$?
  set -e
  status+=("$rc")
  echo "   exit $rc in $(elapsed $((SECONDS - t0))) (log: $log)"
  ((rc == 0)) || tail -30 "$log" | sed 's/^/   | /'
done
echo "== test summary (command 2)"
grep -E 'tests passed|tests failed out of|\(Failed\)|\*\*\*Skipped|Not Run' "$logs/command2.log" | sed 's/^/   /' || echo "   no ctest summary"
((status[0] == 0 && status[1] == 0))
