"""Type stubs of ``truce.dask``."""

from typing import Any, Optional

from . import Forecast, ScenarioLike

def forecast(
    scenario: ScenarioLike,
    n: int = 100_000,
    client: Any = None,
    shards: Optional[int] = None,
    seed: int = 1,
    threads: Optional[int] = None,
    horizon: Optional[int] = None,
) -> Forecast: ...
