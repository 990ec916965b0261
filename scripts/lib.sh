# shellcheck shell=bash
# Shared helpers of the test scripts (sourced, not run): installing system packages where
# this machine allows it, and saying clearly what to install and how to skip where it does
# not. Never installs anything without apt-get and root (or passwordless sudo).

# Exit code of a suite that cannot run here and asks to be counted as skipped, not failed.
export SKIP_RC=77

# Runs apt-get with root rights if it can: root, or passwordless sudo. Returns 1 otherwise.
apt_run() {
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n env DEBIAN_FRONTEND=noninteractive apt-get "$@"
    else
        return 1
    fi
}

# True when apt_run would work here.
can_apt() {
    command -v apt-get >/dev/null 2>&1 || return 1
    [ "$(id -u)" -eq 0 ] && return 0
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null
}

# apt_install SUITE PKG...: installs Debian packages (one `apt-get update` first). Where apt
# cannot be used, prints what to install and how to skip SUITE, and returns 1.
apt_install() {
    local suite=$1
    shift
    if can_apt; then
        echo "== installing with apt-get: $*"
        apt_run update -qq && apt_run install -y -qq --no-install-recommends "$@" && return 0
        echo "error: apt-get could not install: $*" >&2
    else
        echo "error: missing: $* (this machine has no apt-get with root or passwordless sudo)." >&2
    fi
    echo "       Install them with your system's package manager (Debian/Ubuntu names: $*)," >&2
    echo "       or skip this suite: bash scripts/test.sh --skip $suite  (or TRUCE_SKIP=$suite)." >&2
    return 1
}
