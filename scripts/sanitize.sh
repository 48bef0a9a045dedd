#!/usr/bin/env bash
# The test suite against the compiled core built with AddressSanitizer and
# UndefinedBehaviorSanitizer: for after a change to a C file, since the core reads every byte of
# untrusted text and a memory error there need not fail a test by itself.
#
#   scripts/sanitize.sh [PYTEST ARGS]      # e.g. scripts/sanitize.sh -x tests/test_words.py
#
# Works on a copy of the working tree (uncommitted changes included), so the core built in place
# stays as it is; the shared data beside the checkout is seen from the copy too. Needs gcc and
# the development venv (.venv, or PYTHON=...). About three times as slow as a plain run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
work=$(mktemp -d)
# pytest captures standard error, and a sanitizer's report would go down with the process: the
# reports go to files, shown here at the end.
report() {
    status=$?
    if compgen -G "$work/report.*" >/dev/null; then
        cat "$work"/report.* >&2
        status=1
    fi
    rm -rf "$work"
    exit $status
}
trap report EXIT

mkdir "$work/repo"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$work/repo")
if [ -e "$repo/../shared" ]; then
    ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
fi

cd "$work/repo"
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1 -g"
CFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
    "$python" setup.py -q build_ext --inplace >/dev/null 2>"$work/build.log" || {
    cat "$work/build.log" >&2
    exit 1
}
# The extension is optional, so a failed build would leave the pure-Python twin under test.
ls src/tachtu/model/_core.*.so >/dev/null 2>&1 || {
    cat "$work/build.log" >&2
    echo "sanitize.sh: the core did not build" >&2
    exit 1
}

# The sanitizer runtime must be loaded before Python; libstdc++ with it, or the C++ exceptions
# of pyarrow fail in its interceptor. Python's own allocations are not checked for leaks.
export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so.6)"
export ASAN_OPTIONS="detect_leaks=0:log_path=$work/report"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$work/report"
export PYTHONPATH="$work/repo/src" PYTHONDONTWRITEBYTECODE=1
"$python" -c 'import tachtu.model._core as core, sys; sys.exit(not core.__file__.startswith(sys.argv[1]))' \
    "$work/repo/src" || {
    echo "sanitize.sh: the tests would not import the sanitized core" >&2
    exit 1
}
"$python" -m pytest -q -p no:cacheprovider "$@"
