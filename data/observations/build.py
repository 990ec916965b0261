#!/usr/bin/env python3
"""Builds the area-held observation files from the vendored monthly gains.

Reads ../backcast/ukraine-monthly-2023-2025.csv and writes, for each source separately (the
two count different things and are never mixed):

  deepstate-km2.csv   DeepState: confirmed Russian control
  isw-afp-km2.csv     AFP's analyses of ISW data: includes claimed and infiltration areas

Levels are built only over the longest run of consecutive months with a figure, backwards
from a sourced anchor level at the end of the run:  level(end of month m-1) = level(end of
month m) - gain(m).  Each level's sd combines the anchor's error and one monthly error per
month between the level and the anchor: sd = sqrt(anchor_sd^2 + k * month_sd^2).  The
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
    rows.sort()
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["date", "quantity", "value", "sd", "source"])
        for date, level, sd, src in rows:
            w.writerow([date, "km2_held", f"{level:.0f}", f"{sd:.0f}", src])
            w.writerow([date, "state", "fighting", "", "war ongoing: no ceasefire, settlement or collapse in force on this date (data/ukraine/facts.md)"])
    print(f"{name}: {len(rows)} levels, {rows[0][0]} .. {rows[-1][0]} ({run[0]}..{run[-1]} gains)")


if __name__ == "__main__":
    for name, spec in SERIES.items():
        build(name, spec)
