#!/usr/bin/env bash
# Builds every C test twice (against libsupportkpi.a and libsupportkpi.so) with
# -std=c11 -Wall -Wextra -Werror, runs them, and runs them again under valgrind when available.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
lib="$root/target/release"
inc="$root/crates/supportkpi-ffi/include"
out="$root/target/c-tests"
mkdir -p "$out"
cc=${CC:-cc}
cflags=(-std=c11 -Wall -Wextra -Werror -g -I"$inc")

passed=0
failed=0
run() {
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $*"; fi
}

for src in crates/supportkpi-ffi/tests/c/*.c; do
  name=$(basename "$src" .c)
  "$cc" "${cflags[@]}" "$src" "$lib/libsupportkpi.a" -lpthread -ldl -lm -o "$out/$name-static"
  "$cc" "${cflags[@]}" "$src" -L"$lib" -lsupportkpi -Wl,-rpath,"$lib" -o "$out/$name-shared"
  run "$out/$name-static"
  run "$out/$name-shared"
  if command -v valgrind >/dev/null 2>&1; then
    run valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      "$out/$name-shared"
  else
    echo "valgrind not installed: skipping the memory check of $name"
  fi
done
echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
