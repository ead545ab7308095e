#!/usr/bin/env bash
# Writes actbench(1) in roff to stdout from the command's own --help texts, so the man page and --help cannot
# drift: the build runs this after linking actbench (CMakeLists.txt), and a test compares the two.
#   scripts/make_manpage.sh path/to/actbench VERSION
set -euo pipefail
bin="$1" version="$2"
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
subcommands=$("$bin" --help | awk 'tolower($0) ~ /^subcommands:/ {on=1; next} on && NF {print $1}')
cat <<ROFF
.TH ACTBENCH 1 "" "actbench $version" "User Commands"
.SH NAME
actbench \\- reproducible benchmark of activations, weight initialisations and bias settings on small oneDNN CNNs
.SH SYNOPSIS
.B actbench
.I COMMAND
[\\fIOPTIONS\\fR]
.SH DESCRIPTION
.nf
ROFF
"$bin" --help | esc
echo ".fi"
for cmd in $subcommands; do
  echo ".SH \"$(echo "$cmd" | tr '[:lower:]' '[:upper:]')\""
  echo ".nf"
  "$bin" "$cmd" --help | esc
  echo ".fi"
done
cat <<'ROFF'
.SH EXIT STATUS
0 success; 1 interrupted (for verify: a trial differs or is damaged); 2 bad input or usage (the message names
the file and line/column or byte offset); 3 an internal error; 4 the system failed (an I/O error or out of
memory); 100 + n when n trials failed.
.SH FILES
.TP
.I /usr/share/actbench/configs
the sweep configs and model specs; a relative config path not found in the working directory is looked up here
.TP
.I runs/<sweep>/
the run store: manifest.json, runs.jsonl, and per trial trial.yaml, metrics.jsonl, timing.jsonl, summary.json
.SH SEE ALSO
The README, installed in /usr/share/doc/actbench.
ROFF
