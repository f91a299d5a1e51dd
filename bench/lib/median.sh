# Sourced by the bench scripts (source bench/lib/median.sh from the repository root); each script
# measures its own baseline in the same run and prints its ratios against it.

# median [NUMBER...]: the median of the arguments, or of stdin's lines when there are none; for
# an even count the lower of the two middle values. Numbers may have decimals or exponents.
median() {
  if (($#)); then printf '%s\n' "$@"; else cat; fi | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

# best NUMBER...: the smallest of the arguments (best-of-N timings).
best() { printf '%s\n' "$@" | sort -g | head -1; }
