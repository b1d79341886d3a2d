# Shared by the out-of-core benchmark scripts (sourced, not run): builds the bench,
# picks the file for N x P, refuses without the disk space, removes the file on exit
# (KEEP=1 keeps it), generates it if missing. Sets: bin, x.
#   prepare DIR N P
prepare() {
  local dir n=$2 p=$3
  dir=$(realpath -m "$1")
  cd "$(dirname "${BASH_SOURCE[0]}")/../.."
  cargo build --release --example mmap_bench
  bin=target/release/examples/mmap_bench
  mkdir -p "$dir"
  x="$dir/x_${n}x${p}.npy"
  local need=$((n * p * 8 + n * 8))
  local avail
  avail=$(df --output=avail -B1 "$dir" | tail -1)
  if [ ! -f "$x" ] && [ "$avail" -lt $((need + (4 << 30))) ]; then
    echo "not enough space in $dir: need $need bytes + 4 GiB slack, have $avail" >&2
    exit 1
  fi
  trap '[ "${KEEP:-0}" = 1 ] || rm -f "$x" "${x%.npy}.y.npy"' EXIT
  echo "# $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, RAM $(awk '/MemTotal/ {print $2 * 1024}' /proc/meminfo) bytes; $(load)"
  [ -f "$x" ] || /usr/bin/time -f "# generated in %e s, max RSS %M kB" "$bin" gen "$x" "$n" "$p"
}

# The 1-, 5- and 15-minute load averages.
load() {
  uptime | sed 's/.*load/load/'
}
