"""Shared fixtures: the CLI binary and the built-in scenario's text."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def truce_bin() -> str:
    """Path of the `truce` CLI (env TRUCE_BIN, else target/release/truce)."""
    path = os.environ.get("TRUCE_BIN") or str(ROOT / "target" / "release" / "truce")
    if not os.path.exists(path):
        pytest.fail(f"the truce CLI is not built at {path}: run scripts/test-python.sh or cargo build --release")
    return path


@pytest.fixture(scope="session")
def cli(truce_bin):
    """Runs the CLI; returns the CompletedProcess (text mode)."""

    def run(*args, check=True):
        p = subprocess.run([truce_bin, *map(str, args)], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError(f"truce {' '.join(map(str, args))} failed: {p.stderr}")
        return p

    return run


@pytest.fixture(scope="session")
def generic_text(cli) -> str:
    """The generic-interstate built-in scenario's TOML text."""
    return cli("scenarios", "show", "generic-interstate").stdout
