#!/usr/bin/env python3
"""Builds the area-held observation files from the vendored monthly gains.

Reads ../backcast/ukraine-monthly-2023-2025.csv and writes, for each source separately (the
two count different things and are never mixed):

  deepstate-km2.csv   DeepState: confirmed Russian control
  isw-afp-km2.csv     AFP's analyses of ISW data: includes claimed and infiltration areas

Levels are built only over the longest run of consecutive months with a figure, backwards
from a sourced anchor level at the end of the run:  level(end of month m-1) = level(end of
month m) - gain(m).  Each level's sd combines the anchor's error and one monthly error per
month between the level and the anchor: sd = sqrt(anchor_sd^2 + k * month_sd^2).  DeepState's
2024 is added before that run, approximately (deepstate_2024: hung from the end-2024 level less
Militarnyi's 2024 total, each row's sd and source saying what was used).  The
anchors, the errors and why are in README.md beside this file.  Each file also carries a
`state` row per month end: the war was being fought on every one of those dates.

Usage: python3 data/observations/build.py   (from the repository root; standard library only)
"""

import calendar
import csv
import math
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_CSV = os.path.join(HERE, "..", "backcast", "ukraine-monthly-2023-2025.csv")

# Total area of Ukraine used for shares (km²): data/ukraine/facts.md §1.1, derived from
# DeepState's end-2025 pair 116,165 km² = 19.25%.
UKRAINE_KM2 = 603_455

SERIES = {
    "deepstate-km2.csv": {
        "source": "DeepState",
        # facts §1.1: 19.09% at the end of October 2025 (DeepState via patrioty.org.ua) of
        # 603,455 km², plus November's 505 km² (DeepState via portfolio.hu, 1 Dec 2025).
        "anchor_month": "2025-11",
        "anchor_km2": 115_700,
        "anchor_note": "anchor 115,700 km² at the end of Nov 2025 (data/ukraine/facts.md §1.1: 19.09% at end Oct 2025 + 505 km²)",
        "anchor_sd": 30.0,
        "month_sd": 25.0,
        "extend_2024": True,
    },
    "isw-afp-km2.csv": {
        "source": "ISW (AFP analysis)",
        # facts §1.1: AFP's analysis of ISW data puts Russian control at 19.3% at the end of
        # November 2025 (observatorial.com / insiderpaper.com, early Dec 2025).
        "anchor_month": "2025-11",
        "anchor_km2": round(0.193 * UKRAINE_KM2),
        "anchor_note": "anchor 19.3% of 603,455 km² at the end of Nov 2025 (AFP analysis of ISW data; data/ukraine/facts.md §1.1)",
        "anchor_sd": 0.001 / math.sqrt(12) * UKRAINE_KM2,
        "month_sd": 40.0,
    },
}

# Figures the backcast file flags as superseded within the same source: AFP's first-30-days
# December 2024 figure (465) was revised to 476 for the full month (AFP c. 1 Mar 2025,
# arabnews.pk/node/2592291, quoted in the row's note).
REVISED = {("ISW (AFP analysis)", "2024-12"): 476.0}

# DeepState's 2024, before the run of exact months that ends at the anchor (README.md, "DeepState
# 2024"). December 2024 has no figure, so the 2024 levels hang from the end-2024 level less a
# year total, built forwards through the year's months: level(end of m) = L - T + sum(g, Jan..m),
# with L the end-2024 level (the exact run's first row), T Militarnyi's 2024 total (from
# DeepState's maps), g the best figure of each month. With L, T and the g independent, each
# level's variance is var(L) + var(T) + sum(var(g), Jan..m), and the change between two
# consecutive levels has the variance of its month (December's: var(T) + sum(var(g), Jan..Nov)).
DS2024_TOTAL = (3600.0, "https://hromadske.radio/news/2025/01/04/u-2024-rotsi-ukraina-vtratyla-kontrol-nad-terytoriieiu-ploshcheiu-ponad-3600-kv-km-militarnyy")
# A month known only approximately: the rms difference between Militarnyi's approximations and
# DeepState's own figures in the three months where both exist (Aug 370/363, Oct 560/490, Nov
# 610/730 km2): sqrt((7^2 + 70^2 + 120^2) / 3) = 80 km2.
APPROX_SD = 80.0
# Months with neither: DeepState's Jan-Jul 2024 monthly values lie between 39 and 317 km2
# (n-pravda, 1 Feb 2025): the midpoint, with the sd of a uniform over the range.
RANGE_2024 = (39.0, 317.0, "https://n-pravda.in.ua/uk/news/v-deepstate-otsenili-tempyi-nastupleniya-1")
# Militarnyi's total is the sum of twelve approximate months.
TOTAL_SD = APPROX_SD * math.sqrt(12)


def month_end(ym):
    y, m = map(int, ym.split("-"))
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def prev_month(ym):
    y, m = map(int, ym.split("-"))
    return f"{y - (m == 1):04d}-{12 if m == 1 else m - 1:02d}"


def gains(source):
    out = {}
    with open(SOURCE_CSV, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["source"] != source or not re.fullmatch(r"\d{4}-\d{2}", r["month"]):
                continue
            v = r["km2_gained"].strip().lstrip("~")
            if re.fullmatch(r"-?\d+(\.\d+)?", v):
                out[r["month"]] = (REVISED.get((source, r["month"]), float(v)), r["url"], r["note"])
    return out


def approx_gains(source):
    """The approximations of `source`'s monthly gains by other relays ("DeepState (via Militarnyi,
    approx.)"): month -> (value, url)."""
    out = {}
    with open(SOURCE_CSV, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["source"] != f"{source} (via Militarnyi, approx.)" or not re.fullmatch(r"\d{4}-\d{2}", r["month"]):
                continue
            v = r["km2_gained"].strip().lstrip("~")
            if re.fullmatch(r"-?\d+(\.\d+)?", v):
                out[r["month"]] = (float(v), r["url"])
    return out


def deepstate_2024(end_level, end_sd):
    """The DeepState levels at the end of December 2023 and of January-November 2024, hung
    from the end-2024 level (`end_level`, sd `end_sd`) less Militarnyi's 2024 total, built
    forwards with each month's best figure (DeepState's own; else Militarnyi's approximation;
    else the midpoint of DeepState's Jan-Jul range). Returns rows (date, level, sd, source)."""
    own = gains("DeepState")
    approx = approx_gains("DeepState")
    months = [f"2024-{m:02d}" for m in range(1, 12)]
    lo, hi, range_url = RANGE_2024
    parts = []
    for m in months:
        if m in own:
            v, url, _ = own[m]
            parts.append((m, v, 25.0, f"{m} {v:g} (DeepState, {url})"))
        elif m in approx:
            v, url = approx[m]
            parts.append((m, v, APPROX_SD, f"{m} ~{v:g} (Militarnyi's approximation from DeepState maps, sd {APPROX_SD:g}, {url})"))
        else:
            v, sd = (lo + hi) / 2, (hi - lo) / math.sqrt(12)
            parts.append((m, v, sd, f"{m} {v:g} (no figure: midpoint of DeepState's Jan-Jul 2024 range {lo:g}-{hi:g}, sd {sd:.0f}, {range_url})"))
    total, total_url = DS2024_TOTAL
    december = total - sum(v for _, v, _, _ in parts)
    head = (
        f"DeepState 2024 (data/observations/README.md): the end-2024 level {end_level:.0f} less Militarnyi's 2024 "
        f"total ~{total:g} km2 (approximated from DeepState's maps, sd {TOTAL_SD:.0f}, {total_url}; "
        f"so December 2024 is {december:.0f} km2 by difference)"
    )
    level, var = end_level - total, end_sd**2 + TOTAL_SD**2
    rows = [("2023-12-31", level, math.sqrt(var), head)]
    added = []
    for m, v, sd, note in parts:
        level += v
        var += sd**2
        added.append(note)
        rows.append((month_end(m), level, math.sqrt(var), f"{head}, plus the 2024 gains to {m}: " + "; ".join(added)))
    return rows


def build(name, spec):
    g = gains(spec["source"])
    # The run of consecutive months ending at the anchor month.
    run = []
    m = spec["anchor_month"]
    while m in g:
        run.append(m)
        m = prev_month(m)
    run.reverse()
    level = float(spec["anchor_km2"])
    rows = []
    # The anchor level, then backwards one month at a time.
    for k, m in enumerate(reversed(run)):
        sd = math.sqrt(spec["anchor_sd"] ** 2 + k * spec["month_sd"] ** 2)
        gain, url, _ = g[m]
        note = spec["anchor_note"]
        if k > 0:
            note += f"; minus the monthly gains after {m}"
        rows.append((month_end(m), level, sd, f"{spec['source']}: {note}; {m} gain {gain:g} km2 ({url})"))
        level -= gain
    first = prev_month(run[0])
    sd = math.sqrt(spec["anchor_sd"] ** 2 + len(run) * spec["month_sd"] ** 2)
    rows.append((month_end(first), level, sd, f"{spec['source']}: {spec['anchor_note']}; minus the monthly gains {run[0]}..{run[-1]}"))
    if spec.get("extend_2024"):
        _, end_level, end_sd, _ = rows[-1]
        rows.extend(deepstate_2024(round(end_level), round(end_sd)))
    rows.sort()
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "quantity", "value", "sd", "source"])
        for date, level, sd, src in rows:
            w.writerow([date, "km2_held", f"{level:.0f}", f"{sd:.0f}", src])
            w.writerow([date, "state", "fighting", "", "war ongoing: no ceasefire, settlement or collapse in force on this date (data/ukraine/facts.md)"])
    extra = "; 2024 approximate" if spec.get("extend_2024") else ""
    print(f"{name}: {len(rows)} levels, {rows[0][0]} .. {rows[-1][0]} ({run[0]}..{run[-1]} gains{extra})")


if __name__ == "__main__":
    for name, spec in SERIES.items():
        build(name, spec)
