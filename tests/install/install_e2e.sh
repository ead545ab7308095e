#!/usr/bin/env bash
# Installation end to end: `cmake --install` into a scratch prefix and `cpack -G DEB` unpacked with `dpkg -x` each
# give a working actbench that finds its installed configs; the DEB depends on runtime libraries, not -dev
# packages; the man page carries every subcommand's --help; bash completion completes subcommands and names.
# Exit 77 (skipped) with the reason when the packaging tools are missing.
#   tests/install/install_e2e.sh BUILD_DIR
set -uo pipefail
build="$1"
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do command -v "$tool" >/dev/null || skip "$tool is not installed"; done
work=$(mktemp -d /tmp/actbench-install.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A tiny synthetic sweep, run from a directory that holds no configs.
cat > "$work/tiny.yaml" <<'YAML'
name: tiny
dataset: {kind: synthetic_shapes, classes: 3, train_count: 96, test_count: 30, size: 16}
model: {conv1: 4, conv2: 8, dense: 16, kernel: 3, padding: 1}
train: {epochs: 1, batch: 16, lr: 0.05, probe: 32}
sweep: {activation: [relu, tanh], seed: [1]}
YAML
check_installed() {  # BIN_DIR LABEL
    local bin="$1/actbench" label="$2"
    [[ -x $bin ]] || fail "$label: no actbench in $1"
    # Outputs are captured before they are searched: grep -q closing the pipe early would fail the command.
    local out
    out=$("$bin" --version) && [[ $out == "actbench "* ]] || fail "$label: --version"
    out=$(cd "$work" && "$bin" validate configs/quick.yaml) && [[ $out == *"ok, 6 trials"* ]] ||
        fail "$label: configs/quick.yaml not found under share/actbench"
    out=$(cd "$work" && "$bin" validate claims/relu_bias.yaml) && [[ $out == *"ok, 20 trials"* ]] ||
        fail "$label: claims/relu_bias.yaml (model specs beside it)"
    (cd "$work" && "$bin" run tiny.yaml --out "$work/runs-$label" --quiet) || fail "$label: run"
    out=$(cd "$work" && "$bin" report "$work/runs-$label") && [[ $out == *"## Summary"* ]] || fail "$label: report"
    # An image read through the codecs plugin, found in the install's lib/<multiarch>/actbench (OpenCV's digits.png,
    # from opencv-doc, when it is there).
    if [[ -f /usr/share/doc/opencv-doc/examples/data/digits.png || -f /usr/share/opencv4/samples/data/digits.png ]]; then
        out=$(cd "$work" && "$bin" inspect dataset digits.yaml 2>&1) && [[ $out == *"4000 training and 1000 test images"* ]] ||
            fail "$label: inspect dataset digits.yaml (the image codecs plugin): $out"
    fi
    out=$(cd "$work" && "$bin" inspect dataset tiny.yaml --sheet "$work/sheet-$label.png" 2>&1) && [[ -s $work/sheet-$label.png ]] ||
        fail "$label: a contact sheet written through the codecs plugin: $out"
}

# 1. cmake --install
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install"
check_installed "$prefix/bin" prefix
for f in share/man/man1/actbench.1 share/bash-completion/completions/actbench share/doc/actbench/README.md \
         share/actbench/configs/quick.yaml share/actbench/configs/models/lenet_small.yaml; do
    [[ -f $prefix/$f ]] || fail "cmake --install: $f missing"
done
# The man page carries every subcommand's --help, line for line.
for cmd in $("$prefix/bin/actbench" --help | awk 'tolower($0) ~ /^subcommands:/ {on=1; next} on && NF {print $1}'); do
    while IFS= read -r line; do
        [[ -z $line || $line == .* ]] && continue
        grep -qF -- "$line" "$prefix/share/man/man1/actbench.1" || fail "man page lacks a line of 'actbench $cmd --help': $line"
    done < <("$prefix/bin/actbench" "$cmd" --help | sed 's/\\/\\e/g')
done
# Bash completion: subcommands, and the names `list` prints.
complete_line() {  # WORDS... (the last is completed)
    PATH="$prefix/bin:$PATH" bash -c 'source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(($# - 1)); _actbench; printf "%s\n" "${COMPREPLY[@]}"' \
        "$prefix/share/bash-completion/completions/actbench" "$@"
}
offers() { local got; got=$(complete_line "${@:2}"); grep -qx -- "$1" <<<"$got"; }
offers list actbench li || fail "completion: 'actbench li' does not offer list"
offers leaky_relu actbench show activation leaky || fail "completion: no activation names"
offers he_normal actbench inspect model lenet --init he_ || fail "completion: no init names"
offers --adjust actbench report --adj || fail "completion: no report options"
# Every subcommand, and every option its --help lists.
for cmd in $("$prefix/bin/actbench" --help | awk 'tolower($0) ~ /^subcommands:/ {on=1; next} on && NF {print $1}'); do
    offers "$cmd" actbench "${cmd:0:2}" || fail "completion: 'actbench ${cmd:0:2}' does not offer $cmd"
    for opt in $("$prefix/bin/actbench" "$cmd" --help | grep -oE '^  (-[a-z],)?--[a-z0-9-]+' | sed 's/^ *-[a-z],//; s/^ *//'); do
        offers "$opt" actbench "$cmd" "$opt" || fail "completion: 'actbench $cmd' does not offer $opt"
    done
done

[[ -n $(find "$prefix/lib" -name libactbench_codecs.so) ]] || fail "cmake --install: no libactbench_codecs.so under lib/"
# Without its plugin, a binary that must read an image says what is missing and where it looked, exit 4 (installation).
mkdir -p "$work/lonely/bin" && cp "$prefix/bin/actbench" "$work/lonely/bin/"
out=$(cd "$work" && "$work/lonely/bin/actbench" inspect dataset tiny.yaml --sheet "$work/lonely.png" 2>&1); rc=$?
[[ $rc == 4 && $out == *"cannot load OpenCV's image codecs"* && $out == *"$work/lonely/bin/libactbench_codecs.so"* ]] ||
    fail "a missing codecs plugin: exit $rc, $out"
# And one that reads none never loads it: a trial on synthetic data runs without the plugin.
(cd "$work" && "$work/lonely/bin/actbench" run tiny.yaml --out "$work/runs-lonely" --quiet) || fail "a run on synthetic data needs the plugin"

# 2. cpack -G DEB, unpacked with dpkg -x
(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null) || fail "cpack -G DEB"
deb=$(ls "$work"/pkg/*.deb 2>/dev/null | head -1)
[[ -n $deb ]] || fail "cpack made no .deb"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
[[ $depends == *libdnnl2* ]] || fail "the package does not depend on libdnnl2"
[[ $depends == *libopencv* && $depends == *libyaml-cpp* ]] || fail "the package does not depend on OpenCV and yaml-cpp"
[[ $depends == *libopencv-imgcodecs* ]] || fail "the package does not depend on libopencv-imgcodecs (the codecs plugin's)"
[[ $depends != *-dev* ]] || fail "the package depends on -dev packages"
dpkg -x "$deb" "$work/root" || fail "dpkg -x"
check_installed "$work/root/usr/bin" deb
echo "PASSED: cmake --install and the DEB ($(basename "$deb"))"
