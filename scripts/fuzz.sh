#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs each for a bounded time,
# seeded from testdata/ (and archives made here). Crashing inputs are written to
# build-fuzz/findings/<target>-crash-*; the script fails when any target found one.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (default 60, all targets)
set -euo pipefail
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
all_targets=(fuzz_recipe fuzz_os_release fuzz_plan_json fuzz_extract)
[ $# -gt 0 ] && targets=("$@") || targets=("${all_targets[@]}")

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAILOR_FUZZ=ON -DTAILOR_BUILD_TESTS=ON \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang >/dev/null
cmake --build "$build" -j"${FUZZ_JOBS:-2}" --target "${targets[@]}"

findings="$build/findings"
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$findings" "$seeds"/{fuzz_recipe,fuzz_os_release,fuzz_plan_json,fuzz_extract}

# Seeds: the fixtures each parser reads, plus the kept regression inputs of testdata/fuzz/.
copy_seeds() {  # copy_seeds TARGET FIND-ARGS...
  local target="$1"
  shift
  local n=0
  while IFS= read -r -d '' file; do
    n=$((n + 1))
    cp "$file" "$seeds/$target/$n-$(basename "$file")"
  done < <(find "$@" -type f -print0 2>/dev/null)
}
copy_seeds fuzz_recipe "$root/recipes" "$root/testdata/recipes" "$root/testdata/fuzz/recipe" -name '*.toml'
copy_seeds fuzz_os_release "$root/testdata/sysfs" -path '*/etc/os-release'
copy_seeds fuzz_os_release "$root/testdata/sysfs" -path '*/usr/lib/os-release'
copy_seeds fuzz_os_release "$root/testdata/fuzz/os_release"
copy_seeds fuzz_plan_json "$root/golden/plans" "$root/testdata/plan" -name '*.json'
copy_seeds fuzz_plan_json "$root/testdata/fuzz/plan_json"
copy_seeds fuzz_extract "$root/testdata/fuzz/extract"

# Archive seeds are made here rather than committed. The first byte of an extract input
# selects the format (tests/fuzz/extract_entry.hpp): 0 auto, 1 tar, 2 tar.gz, 3 tar.xz,
# 4 tar.bz2, 5 tar.zst, 6 tar.lz, 7 zip; +0x40 strips one directory, +0x80 filters files.
work="$(mktemp -d)"
# The targets write every input to files under $TMPDIR: keep that in memory and private.
scratch="$(mktemp -d -p /dev/shm tailor-fuzz.XXXXXX 2>/dev/null || mktemp -d)"
trap 'rm -rf "$work" "$scratch"' EXIT
mkdir -p "$work/tool-1.0/bin" "$work/tool-1.0/share/doc"
printf '#!/bin/sh\necho tool\n' >"$work/tool-1.0/bin/tool"
chmod 755 "$work/tool-1.0/bin/tool"
echo "readme" >"$work/tool-1.0/README"
ln -s ../bin/tool "$work/tool-1.0/share/doc/link"
ln "$work/tool-1.0/README" "$work/tool-1.0/share/doc/README.hard"
( cd "$work" && tar -cf plain.tar tool-1.0 && zip -qry plain.zip tool-1.0 )
with_selector() {  # with_selector BYTE FILE NAME
  { printf "\\x$1"; cat "$2"; } >"$seeds/fuzz_extract/$3"
}
with_selector 01 "$work/plain.tar" tar
with_selector 41 "$work/plain.tar" tar-strip
with_selector 07 "$work/plain.zip" zip
with_selector c7 "$work/plain.zip" zip-strip-files
for pair in 02:gzip 03:xz 04:bzip2 05:zstd 06:lzip; do
  byte="${pair%%:*}" tool="${pair#*:}"
  command -v "$tool" >/dev/null || continue
  "$tool" -c <"$work/plain.tar" >"$work/plain.$tool" 2>/dev/null
  with_selector "$byte" "$work/plain.$tool" "tar-$tool"
done
with_selector 00 "$work/plain.gzip" auto-tgz
with_selector 30 "$work/plain.zip" auto-zip
# Hostile archives: parent and absolute entries, symlinks out of the tree and writes through
# them, hard links to outside, setuid bits, devices and FIFOs.
python3 - "$work" <<'PY'
import io, sys, tarfile, zipfile
work = sys.argv[1]
def add(tar, name, data=b"x", **attrs):
    info = tarfile.TarInfo(name)
    for key, value in attrs.items():
        setattr(info, key, value)
    if info.type == tarfile.REGTYPE:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)
cases = {
    "dotdot": [("../evil", {})],
    "absolute": [("/tmp/evil", {})],
    "symlink-out": [("link", {"type": tarfile.SYMTYPE, "linkname": "../../outside"}), ("link/file", {})],
    "symlink-abs": [("link", {"type": tarfile.SYMTYPE, "linkname": "/etc"})],
    "symlink-chain": [("a/b", {"type": tarfile.DIRTYPE}), ("a/up", {"type": tarfile.SYMTYPE, "linkname": ".."}),
                      ("a/b/up2", {"type": tarfile.SYMTYPE, "linkname": "../up"}), ("a/up/x", {})],
    "hardlink-out": [("h", {"type": tarfile.LNKTYPE, "linkname": "../outside"})],
    "hardlink-in": [("f", {}), ("g", {"type": tarfile.LNKTYPE, "linkname": "f"})],
    "setuid": [("suid", {"mode": 0o6755})],
    "special": [("fifo", {"type": tarfile.FIFOTYPE}), ("dev", {"type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3})],
    "replace": [("d", {"type": tarfile.SYMTYPE, "linkname": "."}), ("d", {"type": tarfile.DIRTYPE}), ("d/x", {})],
}
for name, entries in cases.items():
    with tarfile.open(f"{work}/hostile-{name}.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        for entry, attrs in entries:
            add(tar, entry, **attrs)
with zipfile.ZipFile(f"{work}/hostile-zip.zip", "w") as z:
    z.writestr("../evil", "x")
    z.writestr("/abs", "x")
    link = zipfile.ZipInfo("link")
    link.external_attr = (0o120777 << 16)
    z.writestr(link, "../../outside")
PY
for file in "$work"/hostile-*.tar; do with_selector 01 "$file" "$(basename "$file")"; done
with_selector 07 "$work/hostile-zip.zip" hostile-zip

status=0
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "== $target for ${seconds}s ($(ls "$seeds/$target" | wc -l) seeds)"
  if ! TMPDIR="$scratch" "$build/tests/fuzz/$target" "$corpus" "$seeds/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$findings/$target-" -print_final_stats=1; then
    echo "!! $target failed; its input is in $findings/" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "no crashes; findings (if any) in $findings"
exit "$status"
