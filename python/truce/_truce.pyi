"""Type stubs of the native module ``truce._truce`` (Rust, PyO3). Use the ``truce`` package instead."""

from typing import List, Optional, Tuple

__version__: str

class TruceError(ValueError):
    """An error of truce: bad input, a refused part file, ..."""

class ScenarioError(TruceError):
    """A scenario that does not parse or validate; the message is the CLI's."""

def builtin_scenarios() -> List[Tuple[str, str]]: ...
def war_states() -> List[str]: ...
def war_events() -> List[str]: ...
def scenario_source(name: str) -> Tuple[str, str]: ...
def scenario_json(label: str, text: str) -> str: ...
def json_to_toml(json_text: str) -> str: ...
def run_trace(label: str, text: str, seed: int, sample: Optional[int] = None) -> str: ...
def forecast(
    label: str, text: str, runs: int, seed: int, threads: Optional[int] = None, horizon: Optional[int] = None
) -> str: ...
def forecast_part(
    label: str,
    text: str,
    runs: int,
    seed: int,
    shard: int,
    shards: int,
    threads: Optional[int] = None,
    horizon: Optional[int] = None,
) -> bytes: ...
def merge_parts(parts: List[Tuple[str, bytes]]) -> str: ...
def bargain(
    name: str,
    csv: str,
    model: str,
    rounds: Optional[int] = None,
    preset: Optional[str] = None,
    seed: int = 0,
    status_quo_json: Optional[str] = None,
    loss: str = "linear",
    params: List[Tuple[str, str]] = ...,
) -> str: ...
def models() -> List[Tuple[str, str]]: ...
def backtest_deu(path: str, models: List[str], capability: str = "equal", seed: int = 0) -> str: ...
