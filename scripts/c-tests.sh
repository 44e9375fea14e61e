#!/usr/bin/env bash
# The C side of libsupportkpi, against target/release (run `cargo build --release -p
# supportkpi-ffi` first; scripts/test.sh does):
# - every crates/supportkpi-ffi/tests/c/*.c built twice with -std=c11 -Wall -Wextra -Werror,
#   linked to libsupportkpi.a and to libsupportkpi.so, both run, and the shared one run again
#   under valgrind (zero errors, zero definite, indirect or possible leaks but for the
#   process-wide zone cache and report thread pool in tests/c/valgrind.supp) when valgrind is
#   installed; SUPPORTKPI_ROOT tells test_report.c where the sample data is;
# - tests/c/test_arrow_pyarrow.py: Arrow C streams exported by pyarrow, through ctypes (with
#   .venv's Python, when it has pyarrow);
# - the header compiled as C++ too (it promises extern "C" and C++ enums);
# - supportkpi.pc filled from its template, and a test built with `pkg-config --cflags --libs`
#   (shared) and `pkg-config --static` (static);
# - examples/c built with its Makefile against both libraries, and run (report.c over
#   examples/data).
# The last line is `c-tests: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# test_report.c reads the sample data and the ServiceNow log under the repository root.
export SUPPORTKPI_ROOT="$root"
lib="$root/target/release"
inc="$root/crates/supportkpi-ffi/include"
out="$root/target/c-tests"
mkdir -p "$out"
cc=${CC:-cc}
cxx=${CXX:-c++}
cflags=(-std=c11 -Wall -Wextra -Werror -g -I"$inc")
# What rustc lists for a staticlib on Linux (`--print native-static-libs`), less libc.
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl)

for f in "$lib/libsupportkpi.a" "$lib/libsupportkpi.so"; do
  if [ ! -f "$f" ]; then
    echo "missing $f: run cargo build --release -p supportkpi-ffi first" >&2
    exit 2
  fi
done

passed=0
failed=0
run() {
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $*"; fi
}
have_valgrind=false
if command -v valgrind >/dev/null 2>&1; then
  have_valgrind=true
else
  echo "valgrind not installed: skipping the memory checks"
fi
memcheck() {
  valgrind --quiet --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible \
    --suppressions="$root/crates/supportkpi-ffi/tests/c/valgrind.supp" "$@"
}

for src in crates/supportkpi-ffi/tests/c/*.c; do
  name=$(basename "$src" .c)
  # A stale binary from an earlier run must not stand in for one that failed to build.
  rm -f "$out/$name-static" "$out/$name-shared"
  run "$cc" "${cflags[@]}" "$src" "$lib/libsupportkpi.a" "${static_libs[@]}" -o "$out/$name-static"
  run "$cc" "${cflags[@]}" "$src" -L"$lib" -lsupportkpi -lm -Wl,-rpath,"$lib" -o "$out/$name-shared"
  run "$out/$name-static"
  run "$out/$name-shared"
  if $have_valgrind; then
    run memcheck "$out/$name-shared"
  fi
done

# supportkpi_report_arrow with streams pyarrow exports, through ctypes, with the .venv's Python
# (scripts/test.sh installs pyarrow there before this runs).
py="$root/.venv/bin/python"
if [ -x "$py" ] && "$py" -c "import pyarrow" >/dev/null 2>&1; then
  run "$py" crates/supportkpi-ffi/tests/c/test_arrow_pyarrow.py "$lib/libsupportkpi.so"
else
  echo "no .venv with pyarrow: skipping test_arrow_pyarrow.py"
fi

# The header as C++: a translation unit that includes it and calls through it.
if command -v "$cxx" >/dev/null 2>&1; then
  printf '#include "supportkpi.h"\nint main() { return supportkpi_version() == nullptr; }\n' \
    >"$out/header.cpp"
  run "$cxx" -std=c++17 -Wall -Wextra -Werror -I"$inc" "$out/header.cpp" -L"$lib" -lsupportkpi \
    -Wl,-rpath,"$lib" -o "$out/header-cpp"
  run "$out/header-cpp"
else
  echo "no C++ compiler ($cxx): skipping the C++ check of the header"
fi

# pkg-config, from the template, pointing at this build tree.
pcdir="$out/pkgconfig"
mkdir -p "$pcdir"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
sed -e "s|@PREFIX@|$root|" -e "s|@LIBDIR@|$lib|" -e "s|@INCLUDEDIR@|$inc|" \
  -e "s|@VERSION@|$version|" crates/supportkpi-ffi/supportkpi.pc.in >"$pcdir/supportkpi.pc"
if command -v pkg-config >/dev/null 2>&1; then
  export PKG_CONFIG_PATH="$pcdir"
  run test "$(pkg-config --modversion supportkpi)" = "$version"
  src=crates/supportkpi-ffi/tests/c/test_version.c
  # shellcheck disable=SC2046 # pkg-config output is a list of flags
  rm -f "$out/pc-shared" "$out/pc-static"
  run "$cc" -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags supportkpi) "$src" \
    $(pkg-config --libs supportkpi) -Wl,-rpath,"$lib" -o "$out/pc-shared"
  run "$out/pc-shared"
  # --static adds Libs.private; -l:libsupportkpi.a picks the archive over the .so.
  # shellcheck disable=SC2046
  run "$cc" -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags supportkpi) "$src" \
    -L"$lib" -l:libsupportkpi.a $(pkg-config --static --libs-only-l supportkpi | sed 's/-lsupportkpi//') \
    -o "$out/pc-static"
  run "$out/pc-static"
else
  echo "pkg-config not installed: skipping the pkg-config check"
fi

# The example, through its own Makefile, against both libraries.
if command -v make >/dev/null 2>&1; then
  run make --no-print-directory -C examples/c clean all CC="$cc"
  run examples/c/nps_calendar-static
  run examples/c/nps_calendar-shared
  run examples/c/report-static examples/data
  run examples/c/report-shared examples/data
  if $have_valgrind; then
    run memcheck examples/c/nps_calendar-shared
    run memcheck examples/c/report-shared examples/data
  fi
  make --no-print-directory -C examples/c clean >/dev/null
else
  echo "make not installed: skipping examples/c"
fi

echo "c-tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
