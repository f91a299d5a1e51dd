#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) over lib/ and cli/ with the `ci` preset's compile
# database; exits 1 when it reports anything. CI runs the whole tree (.github/workflows/ci.yml,
# job clang-tidy); locally, checking only what a branch changed keeps it short on a small machine.
#
#   scripts/clang-tidy.sh                 # every .cpp in lib/ and cli/
#   scripts/clang-tidy.sh --changed [REF] # the .cpp files changed since REF (default main), plus
#                                         # the .cpp next to each changed .hpp
#   scripts/clang-tidy.sh FILE...         # these files
#   JOBS=N (default: the number of CPUs); BUILD=dir (default build/ci, configured when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build/ci}
jobs=${JOBS:-$(nproc)}
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
[[ -n $tidy ]] || { echo "clang-tidy is not installed (apt-get install clang-tidy)" >&2; exit 2; }

files=()
if [[ ${1:-} == --changed ]]; then
  base=${2:-main}
  while IFS= read -r path; do
    case $path in
      *.hpp) [[ -f ${path%.hpp}.cpp ]] && files+=("${path%.hpp}.cpp") ;;
      *.cpp) [[ -f $path ]] && files+=("$path") ;;
    esac
  done < <(git diff --name-only "$base" -- lib cli | sort -u)
elif (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files 'lib/*.cpp' 'cli/*.cpp' | grep -v -e '_other\.cpp$' -e '^lib/compiled/')
fi
mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -v '^$' | sort -u)
((${#files[@]} > 0)) || { echo "clang-tidy: no files to check"; exit 0; }

# The compile database, and the generated sources it names, come from the ci preset.
[[ -f $build/compile_commands.json ]] || cmake --preset ci >/dev/null
cmake --build "$build" --target tailor_lib >/dev/null

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
printf '%s\n' "${files[@]}" |
  xargs -P "$jobs" -n 1 "$tidy" -p "$build" --quiet >"$log" 2>/dev/null || true
findings=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$log" || true)
cat "$log"
echo "clang-tidy: ${#files[@]} files, $findings findings, $((SECONDS - start)) s with $jobs jobs"
((findings == 0))
