#!/bin/sh
# reload_rss.sh BINARY: the live-reload memory figure of BENCHMARKS.md
# ("Reliability: input (issue 21)"). Starts BINARY as the console on a
# 512 KiB memo of plain definitions with watch: 1s, copies each hostile
# memo over it 25 s apart, and prints the process's RSS and peak RSS
# (VmHWM) after each. Linux only (/proc).
set -e
bin=$1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
defs() { # defs SIZE TAG: "- 用語TAGn: 定義の説明 n です。" lines up to SIZE bytes
	awk -v size="$1" -v tag="$2" 'BEGIN { s = "## 第 1 分野: 大量\n\n"; printf "%s", s; n = length(s)
		for (i = 0; ; i++) { l = sprintf("- 用語%s%d: 定義の説明 %d です。\n", tag, i, i); if (n + length(l) > size) break; printf "%s", l; n += length(l) } }'
}
repeat() { # repeat UNIT BYTES
	yes "$1" | tr -d '\n' | head -c "$2"
}
LC_ALL=C defs 524288 "" > "$d/bullets.md"
LC_ALL=C defs 524288 X > "$d/bullets2.md"
repeat '[' 1048576 > "$d/brackets1m.md"
repeat '[' 524288 > "$d/brackets.md"
{ printf '| k | v |\n|---|---|\n'; yes '| a | b |' | head -n 52000; } > "$d/table.md"
repeat '*a_' 524286 > "$d/emph.md"
{ LC_ALL=C defs 4096 ""; printf '\377\n'; } > "$d/bad.md"
cp "$d/bullets.md" "$d/exam.md"
printf 'watch: 1s\ndb: %s/s.db\nmemo: %s/exam.md\n' "$d" "$d" > "$d/c.yaml"
mkfifo "$d/in"
(sleep 100000 > "$d/in") & keeper=$!
"$bin" --config "$d/c.yaml" < "$d/in" > "$d/out" 2> "$d/err" & pid=$!
for i in $(seq 120); do grep -q "you>" "$d/out" 2>/dev/null && break; sleep 1; done
rss() { grep -E 'VmRSS|VmHWM' /proc/$pid/status | tr -s ' \t\n' ' '; }
echo "started: $(rss)"
for m in brackets1m brackets table emph bad bullets2; do
	cp "$d/$m.md" "$d/exam.md.new" && mv "$d/exam.md.new" "$d/exam.md"
	sleep 25
	echo "after $m: $(rss)"
done
kill $pid $keeper
wait $pid 2>/dev/null || true
grep -h "keeping the old bank" "$d/err" | cut -c1-220 || true
