//! Hope to outlast the other side (issue 12's long-war hazard; `docs/reference/war-endings.md`
//! §16): a side's belief, which fighting does not test, that the other's aims are limited and
//! it will give up first (Spaniel & Bils 2018). The side's perceived stalemate is × (1 − h),
//! so ripeness (Zartman 2000) — and with it the onset of low activity, the mediator it draws
//! in and the relief of audience costs — stays low while the side hopes, at any age of the
//! war, whereas the optimism about power that fighting corrects (Slantchev 2003) fades. Arms
//! share seeds and run indices (common random numbers, `common/mod.rs`); a directional claim
//! clears [`K_SE`] standard errors.

mod common;

use common::*;
use truce_engine::base_rates::{first_end_shares, next_year, simulate, weibull};
use truce_engine::builtin;
use truce_engine::load::{load_str, Loaded};
use truce_engine::params::Params;
use truce_engine::sim::{Observer, RoundView, Sim, WarState, WeekView};

/// `generic-interstate` with each side's hope to outlast the other set (`hope[0]` for A,
/// `hope[1]` for B) and no other change; with `priors`, its `[uncertainty]` table, without,
/// the scenario's fixed values only (one war, runs differing only in the fortunes of war).
fn generic(hope: [f64; 2], priors: bool) -> Loaded {
    let text = builtin::builtin("generic-interstate").unwrap();
    let mut out = String::new();
    let mut side = 0;
    for line in text.lines() {
        if !priors && line.starts_with("[uncertainty]") {
            break;
        }
        out.push_str(line);
        out.push('\n');
        if line.starts_with("entrenchment = ") {
            out.push_str(&format!("outlast_hope = {}\n", hope[side]));
            side += 1;
        }
    }
    assert_eq!(side, 2, "both sides' politics tables end with their entrenchment in the built-in");
    load_str("generic-interstate", &out).unwrap_or_else(|e| panic!("{e}"))
}

/// Of the wars still fought after `age` years, the share whose first end comes within the
/// next year (with its standard error), and the share of all runs whose first end is low
/// activity (with its standard error).
fn hazard_and_low(l: &Loaded, runs: u64, age: usize) -> ((f64, f64), (f64, f64)) {
    let e = simulate(l, runs, 12);
    let rows = next_year(&e.first, e.horizon);
    let (k, _) = weibull(&e.first, e.horizon);
    let p: Vec<String> = rows.iter().take(4).map(|r| format!("{:.3}", r.p)).collect();
    let low = first_end_shares(&e.first).iter().find(|x| x.0 == WarState::LowActivity).unwrap().1;
    println!(
        "P(end within the next year | age 0..3) {}; Weibull shape {k:.3}; low activity first {low:.3}",
        p.join(" / ")
    );
    let r = rows[age];
    let lows = e.first.iter().filter(|f| f.is_some_and(|(_, s)| s == WarState::LowActivity)).count();
    (prop_se(r.ended, r.at_risk), prop_se(lows, e.first.len()))
}

/// Wars where a side hopes to outlast the other last longer (Spaniel & Bils 2018, `war-theory.md`
/// P13): with the scenario's fixed values, of the wars fought for two years fewer end within
/// the third with both sides' hope at 0.8 than at 0, and fewer wars settle into low activity.
#[test]
fn hope_lowers_the_hazard_of_old_wars() {
    let (off, off_low) = hazard_and_low(&generic([0.0, 0.0], false), 4_000, 2);
    let (on, on_low) = hazard_and_low(&generic([0.8, 0.8], false), 4_000, 2);
    let (d, se, z) = diff(on, off);
    println!("age 2: off {:.3}, on {:.3}; difference {d:.3} ± {se:.3}", off.0, on.0);
    assert!(z < -K_SE, "hope did not lower the hazard at age 2: {d:.3} ± {se:.3}");
    let (d, se, z) = diff(on_low, off_low);
    println!("low activity as the first end: off {:.3}, on {:.3}; difference {d:.3} ± {se:.3}", off_low.0, on_low.0);
    assert!(z < -K_SE, "hope did not make low activity rarer: {d:.3} ± {se:.3}");
}

/// The highest ripeness of each run's fought weeks from week `from` on (0 if none).
#[derive(Default)]
struct MaxRipeness {
    from: u32,
    max: f64,
}

impl Observer for MaxRipeness {
    fn week(&mut self, w: &WeekView) {
        if w.week >= self.from && w.state == WarState::Fighting && !w.ceasefire {
            self.max = self.max.max(w.ripeness);
        }
    }
    fn round(&mut self, _r: &RoundView<'_>) {}
}

/// The highest ripeness over the fought weeks from `from` on of 300 runs of `p` (seed 5).
fn max_ripeness(p: &Params, from: u32) -> f64 {
    let mut sim = Sim::new(p);
    (0..300)
        .map(|r| {
            let mut o = MaxRipeness { from, max: 0.0 };
            sim.run(5, r, &mut o);
            o.max
        })
        .fold(0.0, f64::max)
}

/// The hope is not learned away: at every age of the war, ripeness stays at or below
/// 1 − the larger of the two sides' hopes (R = min over sides of stalemate × (1 − h) × hurt).
/// Optimism about power is: with the same ceiling's worth of extra optimism instead of hope,
/// old wars ripen past it once fighting has corrected the beliefs (Slantchev 2003). Both
/// comparisons can fail: without hope the same runs pass the ceiling.
#[test]
fn hope_is_not_learned_away_but_optimism_is() {
    let fixed = generic([0.0, 0.0], false).params;
    let ceiling = 1.0 - 0.6;
    let without = max_ripeness(&fixed, 0);
    assert!(without > ceiling, "the base never ripens past {ceiling}: {without:.3} (the test cannot fail)");
    let mut hope = fixed.clone();
    hope.politics[0].outlast_hope = 0.3;
    hope.politics[1].outlast_hope = 0.6;
    let with = max_ripeness(&hope, 0);
    println!("highest ripeness: without hope {without:.3}, with hopes 0.3 / 0.6 {with:.3}");
    assert!(with <= ceiling + 1e-12, "ripeness {with:.4} passed 1 − max hope = {ceiling}");
    // Optimism about power (both sides' believed gain raised by 100 km²/week at the start):
    // fighting corrects it, so wars fought two years ripen past the ceiling again.
    let mut optimism = fixed.clone();
    for s in 0..2 {
        optimism.sides[s].optimism += 100.0;
    }
    let late = max_ripeness(&optimism, 104);
    println!("highest ripeness after two years with optimism instead: {late:.3}");
    assert!(late > ceiling, "optimism about power was not learned away: {late:.3} ≤ {ceiling}");
}

/// At 0 the mechanism is absent: the built-in (which does not set the key) runs as the
/// scenario with the key at 0, bit for bit (the digests of `tests/aims.rs` pin the built-in to
/// the engine before aims); at 0.5 it does not.
#[test]
fn zero_is_no_hope() {
    let absent = load_str("g", builtin::builtin("generic-interstate").unwrap()).unwrap().params;
    assert_eq!(absent.politics[0].outlast_hope, 0.0);
    assert_eq!(absent.politics[1].outlast_hope, 0.0);
    let zero = generic([0.0, 0.0], true).params;
    assert_eq!(common::run_digest(&absent), common::run_digest(&zero));
    let on = generic([0.0, 0.5], true).params;
    assert_ne!(common::run_digest(&absent), common::run_digest(&on), "a hope of 0.5 changed nothing");
}

/// Bad input is a located error naming the file, the line and the field: a value outside
/// [0, 1], a negative one, NaN, and a prior that leaves [0, 1].
#[test]
fn bad_hope_is_a_located_error() {
    let text = builtin::builtin("generic-interstate").unwrap();
    let at = text.find("entrenchment = 1.0\n").unwrap() + "entrenchment = 1.0\n".len();
    for bad in ["1.5", "-0.1"] {
        let t = format!("{}outlast_hope = {bad}\n{}", &text[..at], &text[at..]);
        let line = t[..at].matches('\n').count() + 1;
        let e = match load_str("bad.toml", &t) {
            Ok(_) => panic!("outlast_hope = {bad} loaded"),
            Err(e) => e,
        };
        let shown = e.to_string();
        assert!(shown.starts_with("bad.toml:"), "the error does not name the file: {shown}");
        let d =
            e.diagnostics.iter().find(|d| d.path.as_deref() == Some("politics.a.outlast_hope")).unwrap_or_else(|| {
                panic!("no diagnostic names politics.a.outlast_hope for {bad}: {:#?}", e.diagnostics)
            });
        assert_eq!(d.line, Some(line), "{bad}: wrong line in {d:?}");
        assert!(d.message.contains("[0, 1]"), "{bad}: the message does not say the range: {d:?}");
    }
    // NaN is refused when the number is read (every number of the schema), at its line and
    // column, which hold the key.
    let t = format!("{}outlast_hope = nan\n{}", &text[..at], &text[at..]);
    let line = t[..at].matches('\n').count() + 1;
    let Err(e) = load_str("bad.toml", &t) else { panic!("outlast_hope = nan loaded") };
    assert!(e.to_string().starts_with(&format!("bad.toml:{line}:")), "not located at line {line}: {e}");
    assert!(
        e.diagnostics.iter().any(|d| d.line == Some(line) && d.message.contains("not a finite number")),
        "no diagnostic for NaN at line {line}: {:#?}",
        e.diagnostics
    );
    let t = format!(
        "{}\n\"politics.b.outlast_hope\" = {{ dist = \"uniform\", low = 0.0, high = 1.5, source = \"bad\" }}\n",
        text.trim_end()
    );
    let Err(e) = load_str("bad.toml", &t) else { panic!("a prior past 1 loaded") };
    assert!(
        e.diagnostics.iter().any(|d| d.path.as_deref() == Some("uncertainty.politics.b.outlast_hope")
            && d.line.is_some()
            && d.message.contains("[0, 1]")),
        "no located diagnostic for the prior: {:#?}",
        e.diagnostics
    );
}
