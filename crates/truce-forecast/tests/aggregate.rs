//! Exact shard merging, incidence and state-at-date identities, quantile accuracy, binned
//! distributions, standard errors, Spearman.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use truce_forecast::{AtDate, ByDate, FixedSum, Histogram, Incidence, MergeError, RankSample, WeekHistograms};

const KINDS: usize = 3;
const WEEKS: u32 = 6;

/// One run's contribution, as the driver would produce it.
#[derive(Debug, Clone)]
struct Run {
    index: u64,
    value: f64,
    /// `None` = censored.
    end: Option<(usize, u32)>,
    path: Vec<f64>,
}

/// Every aggregate type at once, as a shard would hold them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Bundle {
    hist: Histogram,
    sum: FixedSum,
    inc: Incidence,
    ranks: RankSample,
    weekly: WeekHistograms,
    states: AtDate,
    events: ByDate,
}

/// A run's state in week `w`, made up from its path (any function of the run will do).
fn state_of(r: &Run, w: u32) -> usize {
    let x = r.path[w as usize];
    if x.is_nan() {
        0
    } else {
        (x.abs() as usize) % KINDS
    }
}

impl Bundle {
    fn new() -> Self {
        Bundle {
            hist: Histogram::new(-10.0, 10.0, 37).unwrap(),
            sum: FixedSum::new(),
            inc: Incidence::new(KINDS, WEEKS),
            ranks: RankSample::new(20, 1, 1),
            weekly: WeekHistograms::new(WEEKS, -5.0, 5.0, 11).unwrap(),
            states: AtDate::new(KINDS, WEEKS),
            events: ByDate::new(KINDS, WEEKS),
        }
    }

    fn add(&mut self, r: &Run) {
        self.hist.add(r.value);
        self.sum.add(r.value);
        match r.end {
            Some((k, w)) => self.inc.record(k, w),
            None => self.inc.record_censored(),
        }
        self.ranks.record(r.index, &[r.value], &[r.path[0]]);
        for (w, &x) in r.path.iter().enumerate() {
            self.weekly.add(w as u32, x);
        }
        self.states.record_run(|w| state_of(r, w));
        let first: Vec<Option<u32>> = (0..KINDS).map(|k| (0..WEEKS).find(|&w| state_of(r, w) == k)).collect();
        self.events.record_run(&first);
    }

    fn merge(&mut self, o: &Self) -> Result<(), MergeError> {
        self.hist.merge(&o.hist)?;
        self.sum.merge(&o.sum);
        self.inc.merge(&o.inc)?;
        self.ranks.merge(&o.ranks)?;
        self.weekly.merge(&o.weekly)?;
        self.states.merge(&o.states)?;
        self.events.merge(&o.events)
    }
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -12.0..12.0f64,
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(f64::NAN),
        1 => Just(1e12),
        1 => Just(-3.25),
    ]
}

fn runs() -> impl Strategy<Value = Vec<Run>> {
    let run =
        (value(), prop::option::weighted(0.8, (0..KINDS, 0..WEEKS)), prop::collection::vec(value(), WEEKS as usize));
    prop::collection::vec(run, 0..120).prop_map(|v| {
        v.into_iter().enumerate().map(|(i, (value, end, path))| Run { index: i as u64, value, end, path }).collect()
    })
}

fn json(b: &Bundle) -> String {
    serde_json::to_string(b).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Shuffle the runs, cut them at random points into shards, merge the shards in a random
    /// order (and, separately, as a balanced tree): both equal one in-order pass, bit for bit.
    #[test]
    fn sharded_merge_equals_one_pass(
        runs in runs(),
        seed in any::<u64>(),
        cuts in prop::collection::vec(0usize..1000, 0..8),
    ) {
        let mut one = Bundle::new();
        for r in &runs {
            one.add(r);
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut order: Vec<usize> = (0..runs.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut points: Vec<usize> = cuts.iter().map(|c| c % (runs.len() + 1)).collect();
        points.push(0);
        points.push(runs.len());
        points.sort_unstable();
        let mut shards: Vec<Bundle> = points
            .windows(2)
            .map(|w| {
                let mut b = Bundle::new();
                for &i in &order[w[0]..w[1]] {
                    b.add(&runs[i]);
                }
                b
            })
            .collect();
        for i in (1..shards.len()).rev() {
            shards.swap(i, rng.random_range(0..=i));
        }
        // Random order, left fold into an empty bundle.
        let mut folded = Bundle::new();
        for s in &shards {
            folded.merge(s).unwrap();
        }
        // JSON text is a bit-exact fingerprint (shortest round-trip floats, -0.0 kept) that,
        // unlike `==`, also treats NaN parameters in the rank sample as equal.
        prop_assert_eq!(json(&folded), json(&one));
        if !json(&one).contains("null") {
            prop_assert_eq!(&folded, &one);
        }
        // Balanced tree of merges.
        while shards.len() > 1 {
            let mut next = Vec::new();
            for pair in shards.chunks(2) {
                let mut a = pair[0].clone();
                if let Some(b) = pair.get(1) {
                    a.merge(b).unwrap();
                }
                next.push(a);
            }
            shards = next;
        }
        prop_assert_eq!(json(&shards[0]), json(&one));
        // And through serde, as shard files will (JSON cannot carry NaN, written as null).
        if !json(&one).contains("null") {
            let back: Bundle = serde_json::from_str(&json(&one)).unwrap();
            prop_assert_eq!(&back, &one);
        }
    }

    /// Cumulative incidence over all kinds plus "still ongoing" is exactly the run count at
    /// every week, and 1 in probability.
    #[test]
    fn incidence_sums_to_one(runs in runs()) {
        let mut inc = Incidence::new(KINDS, WEEKS);
        for r in &runs {
            match r.end {
                Some((k, w)) => inc.record(k, w),
                None => inc.record_censored(),
            }
        }
        let censored = runs.iter().filter(|r| r.end.is_none()).count() as u64;
        for w in 0..WEEKS {
            let counts: u64 = (0..KINDS).map(|k| inc.cumulative_count(k, w)).sum();
            prop_assert_eq!(counts + inc.ongoing_count(w), inc.runs());
            if inc.runs() > 0 {
                let p: f64 = (0..KINDS).map(|k| inc.cumulative(k, w)).sum::<f64>() + inc.ongoing(w);
                prop_assert!((p - 1.0).abs() < 1e-12);
            }
        }
        prop_assert_eq!(inc.ongoing_count(WEEKS - 1), censored);
    }

    /// Every run is in exactly one state each week: the counts sum to the runs; an event's
    /// share by a week never falls and is at least the share in its state that week.
    #[test]
    fn states_sum_to_one_and_events_accumulate(runs in runs()) {
        let mut b = Bundle::new();
        for r in &runs {
            b.add(r);
        }
        prop_assert_eq!(b.states.runs(), runs.len() as u64);
        for w in 0..WEEKS {
            let total: u64 = (0..KINDS).map(|k| b.states.count(w, k)).sum();
            prop_assert_eq!(total, b.states.runs());
            for k in 0..KINDS {
                prop_assert!(b.events.cumulative_count(k, w) >= b.states.count(w, k));
                if w > 0 {
                    prop_assert!(b.events.cumulative_count(k, w) >= b.events.cumulative_count(k, w - 1));
                }
            }
        }
    }

    /// A week's piecewise-uniform distribution: its mass is 1, the mass below `lo` and at or
    /// above `hi` is the share of values there, and its support reaches the extreme values.
    #[test]
    fn week_distributions_hold_every_value(values in prop::collection::vec(value(), 1..80)) {
        let mut h = WeekHistograms::new(2, -5.0, 5.0, 10).unwrap();
        for &x in &values {
            h.add(1, x);
        }
        let finite: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        let d = h.distribution(1);
        if finite.is_empty() {
            prop_assert!(d.is_none());
        } else {
            let d = d.unwrap();
            let total: f64 = d.probs().iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-12, "{}", total);
            let n = finite.len() as f64;
            let under = finite.iter().filter(|&&x| x < -5.0).count() as f64 / n;
            let over = finite.iter().filter(|&&x| x >= 5.0).count() as f64 / n;
            prop_assert!((d.cdf_left(-5.0) - under).abs() < 1e-12, "{} vs {}", d.cdf_left(-5.0), under);
            prop_assert!((1.0 - d.cdf_left(5.0) - over).abs() < 1e-12, "{} vs {}", 1.0 - d.cdf_left(5.0), over);
            let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let e = d.edges();
            prop_assert!(e[0] <= min && *e.last().unwrap() >= max, "{:?} vs [{}, {}]", e, min, max);
            if under > 0.0 {
                prop_assert_eq!(e[0], min);
            }
            if over > 0.0 {
                prop_assert_eq!(*e.last().unwrap(), max);
            }
        }
        prop_assert!(h.distribution(2).is_none());
        prop_assert!(h.distribution(0).is_none(), "an empty week holds no distribution");
    }

    /// A value carried over a range of weeks (`add_weeks`, a run's last value to the
    /// horizon) is recorded exactly as adding it week by week: the same counts, sums,
    /// extremes and NaN counts, whatever was recorded before.
    #[test]
    fn adding_over_weeks_equals_adding_each_week(
        before in prop::collection::vec((0..6u32, value()), 0..30),
        carried in value(),
        from in 0..6u32,
        len in 0..7u32,
    ) {
        let to = (from + len).min(6);
        let mut a = WeekHistograms::new(6, -5.0, 5.0, 10).unwrap();
        for &(w, x) in &before {
            a.add(w, x);
        }
        let mut b = a.clone();
        a.add_weeks(from..to, carried);
        for w in from..to {
            b.add(w, carried);
        }
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }
}

#[test]
fn quantiles_of_uniform_stream_within_one_bin() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut h = Histogram::new(0.0, 1.0, 200).unwrap();
    let mut wk = WeekHistograms::new(2, 0.0, 1.0, 200).unwrap();
    let n = 100_000;
    for _ in 0..n {
        let x: f64 = rng.random();
        h.add(x);
        wk.add(1, x);
    }
    // Sampling error of the empirical quantile (√(p(1−p)/n) ≤ 0.0016) is below one bin (0.005).
    let tol = h.bin_width() + 0.0016 * 4.0;
    for i in 1..100 {
        let p = f64::from(i) / 100.0;
        assert!((h.quantile(p) - p).abs() <= tol, "p={p}: {}", h.quantile(p));
        assert!((wk.quantile(1, p) - p).abs() <= tol);
    }
    assert!(wk.quantile(0, 0.5).is_nan());
    assert_eq!(wk.count(1), n);
    assert!((h.mean() - 0.5).abs() < 5.0 * (1.0f64 / 12.0 / n as f64).sqrt());
    assert!((h.variance() - 1.0 / 12.0).abs() < 1e-3);
}

#[test]
fn histogram_exact_mean_and_tails() {
    let mut h = Histogram::new(0.0, 10.0, 10).unwrap();
    for x in [-4.0, 1.5, 2.5, 2.5, 30.0, f64::NAN] {
        h.add(x);
    }
    assert_eq!(h.count(), 5);
    assert_eq!(h.nan_count(), 1);
    assert_eq!(h.mean(), 32.5 / 5.0);
    assert_eq!(h.min(), Some(-4.0));
    assert_eq!(h.max(), Some(30.0));
    assert_eq!(h.quantile(0.0), -4.0);
    assert_eq!(h.quantile(1.0), 30.0);
    // Median: target rank 2.5 of 5 lies in bin [2, 3) holding ranks 3 and 4 → 2 + 0.5/2.
    assert_eq!(h.quantile(0.5), 2.25);
    let mut s = FixedSum::new();
    s.add(0.1);
    s.add(0.2);
    assert!((s.value() - 0.3).abs() < 1e-9);
    assert_eq!(s.raw(), (0.1 * 4_294_967_296.0) as i128 + (0.2 * 4_294_967_296.0) as i128);
}

#[test]
fn merge_rejects_mismatched_layouts() {
    let mut a = Histogram::new(0.0, 1.0, 10).unwrap();
    assert!(matches!(a.merge(&Histogram::new(0.0, 2.0, 10).unwrap()), Err(MergeError::Mismatch { .. })));
    let mut i = Incidence::new(2, 10);
    let e = i.merge(&Incidence::new(3, 10)).unwrap_err();
    assert_eq!(e.to_string(), "cannot merge incidence tallies: 2 kinds × 10 weeks vs 3 kinds × 10 weeks");
    let mut r = RankSample::new(10, 1, 1);
    r.record(3, &[1.0], &[2.0]);
    let mut r2 = RankSample::new(10, 1, 1);
    r2.record(3, &[1.0], &[2.0]);
    assert_eq!(r.merge(&r2), Err(MergeError::DuplicateRun(3)));
    let mut w = WeekHistograms::new(3, 0.0, 1.0, 4).unwrap();
    assert!(w.merge(&WeekHistograms::new(4, 0.0, 1.0, 4).unwrap()).is_err());
}

#[test]
fn standard_error_shrinks_like_one_over_sqrt_n() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut ses = Vec::new();
    for n in [10_000u64, 40_000, 160_000] {
        let mut inc = Incidence::new(1, 1);
        for _ in 0..n {
            if rng.random::<f64>() < 0.3 {
                inc.record(0, 0);
            } else {
                inc.record_censored();
            }
        }
        let p = inc.cumulative(0, 0);
        assert!((p - 0.3).abs() < 5.0 * inc.standard_error(0, 0));
        assert!((inc.standard_error(0, 0) - (p * (1.0 - p) / n as f64).sqrt()).abs() < 1e-15);
        ses.push(inc.standard_error(0, 0));
    }
    // Four times the runs halves the standard error (up to the change in p̂).
    for w in ses.windows(2) {
        assert!((w[0] / w[1] - 2.0).abs() < 0.02, "{ses:?}");
    }
}

#[test]
fn spearman_matches_hand_computed_values() {
    // params: x (with a tie), z (constant); outcomes: y, -x.
    let xs = [1.0, 2.0, 2.0, 3.0];
    let ys = [1.0, 3.0, 2.0, 4.0];
    let mut r = RankSample::new(10, 2, 2);
    // Recorded out of order and beyond capacity: only run index matters.
    for i in [3usize, 0, 2, 1] {
        assert!(r.record(i as u64, &[xs[i], 7.0], &[ys[i], -xs[i]]));
    }
    assert!(!r.record(10, &[0.0, 0.0], &[0.0, 0.0]));
    assert_eq!(r.len(), 4);
    let s = r.spearman();
    // Ranks x = (1, 2.5, 2.5, 4), y = (1, 3, 2, 4): Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5,
    // so ρ = 4.5 / √22.5 = 0.9486832980505138.
    assert!((s[0][0] - 4.5 / 22.5f64.sqrt()).abs() < 1e-15);
    assert!((s[0][0] - 0.948_683_298_050_513_8).abs() < 1e-15);
    assert!((s[0][1] + 1.0).abs() < 1e-15);
    assert!(s[1][0].is_nan() && s[1][1].is_nan());
    // Classic textbook example without ties: ρ = 1 − 6Σd²/(n(n²−1)).
    let a = [86.0, 97.0, 99.0, 100.0, 101.0, 103.0, 106.0, 110.0, 112.0, 113.0];
    let b = [0.0, 20.0, 28.0, 27.0, 50.0, 29.0, 7.0, 17.0, 6.0, 12.0];
    let mut r = RankSample::new(100, 1, 1);
    for i in 0..10 {
        r.record(i as u64, &[a[i]], &[b[i]]);
    }
    // Σd² = 194 → ρ = 1 − 6·194/990 = −29/165.
    assert!((r.spearman()[0][0] - (-29.0 / 165.0)).abs() < 1e-14);
}
