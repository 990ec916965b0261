//! The back-cast cases: each built-in case loads and runs; its forecast never reads its
//! outcome (bit-identical with the outcome removed or altered); its scenario holds no date
//! after its origin unless it is an event announced by the origin; it turns on every
//! mechanism generic-interstate turns on; the scores respond to what happened and only to it.

use truce_engine::builtin;
use truce_engine::calendar::CivilDate;
use truce_engine::load::load_str;
use truce_forecast::backcast::{
    builtin_outcome, forecast_case, read_wars, score_case, Backcast, CaseForecast, Outcome, BUILTIN_OUTCOMES,
    COW_WARS_CSV,
};
use truce_forecast::job::{ForecastJob, Source};

const RUNS: u64 = 400;

fn job(name: &str) -> ForecastJob {
    ForecastJob::new(Source::Builtin(name.into()), RUNS, 11)
}

fn outcome(name: &str, text: &str) -> Outcome {
    let l = load_str(name, builtin::builtin(name).unwrap()).unwrap();
    let sides: Vec<String> = l.params.sides.iter().map(|s| s.id.clone()).collect();
    Outcome::parse(name, text, name, l.params.start, &sides).unwrap()
}

/// The same case with a different history: a settlement in the first month.
fn altered(name: &str) -> String {
    let text = builtin_outcome(name).unwrap();
    let l = load_str(name, builtin::builtin(name).unwrap()).unwrap();
    let s = l.params.start.plus_weeks(3);
    // Keep the header (up to the first state), replace the states.
    let head: String = text
        .lines()
        .take_while(|l| !l.starts_with("[[states]]") && !l.starts_with("states = "))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("{head}[[states]]\nfrom = {s}\nstate = \"settled\"\nsource = \"altered for a test\"\n")
}

#[test]
fn every_case_is_a_builtin_with_an_outcome() {
    assert_eq!(builtin::BACKCAST.len(), 5);
    for name in builtin::BACKCAST {
        assert!(builtin::builtin(name).is_some(), "{name} is not a built-in");
        assert!(builtin_outcome(name).is_some(), "{name} has no outcome file");
    }
    assert_eq!(BUILTIN_OUTCOMES.len(), builtin::BACKCAST.len());
}

/// The day a case's war began is stated twice: in the scenario (known at the origin; the
/// forecast's selection by survival reads it) and in the outcome file (the base rate's
/// `war_start`). They agree.
#[test]
fn each_case_states_the_war_start_of_its_outcome() {
    for name in builtin::BACKCAST {
        let l = load_str(name, builtin::builtin(name).unwrap()).unwrap();
        let began = l.scenario.scenario.war_began.as_ref().unwrap_or_else(|| panic!("{name} has no war_began"));
        let began = truce_engine::redate::civil(&began.date).unwrap();
        assert_eq!(began, outcome(name, builtin_outcome(name).unwrap()).war_start, "{name}");
    }
}

#[test]
fn each_case_loads_runs_and_never_reads_its_outcome() {
    let wars = read_wars(COW_WARS_CSV).unwrap();
    for (i, name) in builtin::BACKCAST.iter().enumerate() {
        // The forecast alone, as `truce forecast` makes it: no outcome exists for it.
        let plain = match job(name).prepare().unwrap().run(truce_forecast::job::Hooks::none()).unwrap() {
            truce_forecast::job::JobOutput::Forecast(f) => *f,
            _ => unreachable!(),
        };
        assert_eq!(plain.aggregate.runs, RUNS, "{name}");
        // The back-cast's forecast, then scored on the real outcome and on an altered one.
        let (p1, f1) = forecast_case(&job(name)).unwrap();
        let real = score_case(&p1, &f1, &outcome(name, builtin_outcome(name).unwrap()), &wars, i as u64).unwrap();
        let (p2, f2) = forecast_case(&job(name)).unwrap();
        let fake = score_case(&p2, &f2, &outcome(name, &altered(name)), &wars, i as u64).unwrap();
        // Bit-identical forecasts: with no outcome, with the real one, with an altered one.
        let bytes = |a: &truce_forecast::ensemble::ForecastAggregate| serde_json::to_vec(a).unwrap();
        assert_eq!(bytes(&plain.aggregate), bytes(&f1.aggregate), "{name}: the back-cast changed the forecast");
        assert_eq!(bytes(&f1.aggregate), bytes(&f2.aggregate), "{name}");
        assert_eq!(serde_json::to_vec(&plain.summary).unwrap(), serde_json::to_vec(&f2.summary).unwrap(), "{name}");
        assert_eq!(real.fingerprint, fake.fingerprint);
        // Selection by survival acts on every case whose war is at least a week old at its
        // origin (all but ukraine-2022, four days), and the outcome does not move it.
        assert_eq!(real.selection.is_some(), *name != "ukraine-2022", "{name}: {:?}", real.selection);
        assert_eq!(real.selection, fake.selection, "{name}");
        assert_eq!(plain.summary.selection, f1.summary.selection, "{name}");
        assert_eq!(real.curves.truce, fake.curves.truce);
        for (a, b) in real.years.iter().zip(&fake.years) {
            assert_eq!(a.truce.probs, b.truce.probs, "{name}: truce's probabilities moved with the outcome");
        }
        // ... while the scores follow what happened.
        assert_ne!(real.end_week, fake.end_week, "{name}");
        assert!(fake.first_end.as_ref().is_some_and(|(s, _)| s == "settled"), "{name}");
        assert_eq!(fake.years.last().unwrap().observed, "settled", "{name}");
    }
}

/// Every date value of a TOML document, with its dotted path.
fn dates(v: &toml::Value, path: String, out: &mut Vec<(String, toml::value::Datetime)>) {
    match v {
        toml::Value::Datetime(d) => out.push((path, *d)),
        toml::Value::Table(t) => {
            for (k, x) in t {
                dates(x, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out);
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                dates(x, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn civil(d: &toml::value::Datetime) -> CivilDate {
    let x = d.date.expect("a date");
    CivilDate { year: i32::from(x.year), month: u32::from(x.month), day: u32::from(x.day) }
}

/// The mechanical check: no date in a case's scenario lies after its origin, except the date
/// of an event that was announced (scheduled and known) by the origin.
fn dates_after_origin(text: &str) -> Vec<String> {
    let v: toml::Value = toml::from_str(text).unwrap();
    let origin = civil(v["scenario"]["start"].as_datetime().unwrap());
    let mut all = Vec::new();
    dates(&v, String::new(), &mut all);
    let mut bad = Vec::new();
    for (path, d) in all {
        if civil(&d) <= origin {
            continue;
        }
        // events[i].date after the origin is allowed only with events[i].announced ≤ origin.
        let known = path
            .strip_prefix("events[")
            .and_then(|r| r.strip_suffix("].date"))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| v["events"][i].get("announced").and_then(|a| a.as_datetime()).map(civil))
            .is_some_and(|a| a <= origin);
        if !known {
            bad.push(format!("{path} = {d}"));
        }
    }
    bad
}

#[test]
fn no_case_holds_a_date_after_its_origin() {
    for name in builtin::BACKCAST {
        let bad = dates_after_origin(builtin::builtin(name).unwrap());
        assert!(bad.is_empty(), "{name}: dates after the origin: {bad:?}");
    }
}

#[test]
fn the_date_check_can_fail() {
    let text = builtin::builtin("korea-1951").unwrap();
    let later = format!("{text}\n[[events]]\ndate = 1953-03-05\nkind = \"talks\"\n");
    assert_eq!(dates_after_origin(&later), vec!["events[0].date = 1953-03-05".to_string()]);
    let announced = format!("{text}\n[[events]]\ndate = 1952-11-04\nkind = \"talks\"\nannounced = 1951-01-01\n");
    assert!(dates_after_origin(&announced).is_empty());
    let late_news = format!("{text}\n[[events]]\ndate = 1952-11-04\nkind = \"talks\"\nannounced = 1952-01-01\n");
    // Announced after the origin: both the event and its announcement lie in the future.
    assert_eq!(
        dates_after_origin(&late_news),
        vec!["events[0].announced = 1952-01-01".to_string(), "events[0].date = 1952-11-04".to_string()]
    );
}

#[test]
fn every_free_number_of_a_case_says_where_it_comes_from() {
    // Each case documents every number: bare numbers are allowed only inside tables whose
    // first entry carries the source (saliences after the first, a mediator's weightless
    // positions), in [uncertainty] (generic distributions) and as whole-week counts.
    for name in builtin::BACKCAST {
        let v: toml::Value = toml::from_str(builtin::builtin(name).unwrap()).unwrap();
        let mut sourced = 0;
        let mut walk = vec![(String::new(), &v)];
        while let Some((path, x)) = walk.pop() {
            match x {
                toml::Value::Table(t) if t.contains_key("value") => {
                    let src = t.get("source").and_then(|s| s.as_str()).unwrap_or("");
                    assert!(!src.trim().is_empty(), "{name}: `{path}` has a value without a source");
                    sourced += 1;
                }
                toml::Value::Table(t) if path != "uncertainty" => {
                    for (k, y) in t {
                        walk.push((if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, y));
                    }
                }
                toml::Value::Array(a) => {
                    for (i, y) in a.iter().enumerate() {
                        walk.push((format!("{path}[{i}]"), y));
                    }
                }
                _ => {}
            }
        }
        assert!(sourced >= 40, "{name}: only {sourced} sourced numbers");
    }
}

/// Every mechanism `generic-interstate` turns on, each case turns on (docs/backcast.md,
/// Generic priors): every key that generic-interstate sets in its `[combat]`, `[protocol]`,
/// `[termination]`, `[mediation]` and `[ripeness]` tables, in its first side's
/// `[politics.*]` table and in its first `[[sides]]` entry, each case sets in the same table
/// (in every side's). No case is spared a mechanism because of its known end.
#[test]
fn every_case_turns_on_every_generic_mechanism() {
    let generic: toml::Value = toml::from_str(builtin::builtin("generic-interstate").unwrap()).unwrap();
    let keys = |v: &toml::Value| -> Vec<String> { v.as_table().map_or(Vec::new(), |t| t.keys().cloned().collect()) };
    let first_politics = generic["politics"].as_table().unwrap().values().next().unwrap().clone();
    let first_side = generic["sides"].as_array().unwrap()[0].clone();
    for name in builtin::BACKCAST {
        let case: toml::Value = toml::from_str(builtin::builtin(name).unwrap()).unwrap();
        let mut missing = Vec::new();
        for table in ["combat", "protocol", "termination", "mediation", "ripeness"] {
            let have = case.get(table).map(keys).unwrap_or_default();
            for k in keys(&generic[table]) {
                if !have.contains(&k) {
                    missing.push(format!("{table}.{k}"));
                }
            }
        }
        for (id, p) in case["politics"].as_table().unwrap() {
            for k in keys(&first_politics).into_iter().filter(|k| !keys(p).contains(k)) {
                missing.push(format!("politics.{id}.{k}"));
            }
        }
        for side in case["sides"].as_array().unwrap() {
            let id = side["id"].as_str().unwrap();
            for k in keys(&first_side).into_iter().filter(|k| !keys(side).contains(k) && k != "name") {
                missing.push(format!("sides.{id}.{k}"));
            }
        }
        assert!(missing.is_empty(), "{name} does not set what generic-interstate sets: {missing:?}");
    }
}

/// A red line nobody stated takes generic-interstate's prior (docs/backcast.md): each side's
/// lead holds a red line on every non-territorial issue on which the two leads differ by a
/// point or more, between the midpoint and its own position, with a positive audience cost.
#[test]
fn every_lead_holds_a_red_line_on_every_disputed_issue() {
    for name in builtin::BACKCAST {
        let l = load_str(name, builtin::builtin(name).unwrap()).unwrap();
        let p = &l.params;
        let m = p.n_issues();
        let (a, b) = (p.sides[0].belligerent, p.sides[1].belligerent);
        for k in (0..m).filter(|&k| Some(k) != p.territorial) {
            let (xa, xb) = (p.position[a * m + k], p.position[b * m + k]);
            if (xa - xb).abs() < 1.0 {
                continue;
            }
            for (i, own, other) in [(a, xa, xb), (b, xb, xa)] {
                let (r, cost) = (p.red_line[i * m + k], p.audience_cost[i * m + k]);
                let mid = (own + other) / 2.0;
                assert!(
                    cost > 0.0 && (r - mid) * (own - mid) >= 0.0 && (r - mid).abs() <= (own - mid).abs(),
                    "{name}: actor {i} on issue {k} (position {own}, the other lead's {other}): red line {r}, cost {cost}"
                );
            }
        }
    }
}

#[test]
fn scores_reward_the_forecaster_that_put_mass_on_what_happened() {
    let wars = read_wars(COW_WARS_CSV).unwrap();
    let name = "korea-1951";
    let (p, f) = forecast_case(&job(name)).unwrap();
    let real = score_case(&p, &f, &outcome(name, builtin_outcome(name).unwrap()), &wars, 0).unwrap();
    let fake = score_case(&p, &f, &outcome(name, &altered(name)), &wars, 0).unwrap();
    // The forecast and the base rate are the same in both; each year's log score is −ln of
    // the probability given to the state that happened.
    for y in real.years.iter().chain(&fake.years) {
        assert!((y.truce.log + y.truce.p_observed.ln()).abs() < 1e-12);
        assert!((y.base_rate.log + y.base_rate.p_observed.ln()).abs() < 1e-12);
        let total: f64 = y.base_rate.probs.iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
    let b = Backcast::new(vec![real.clone(), fake]);
    assert_eq!(b.totals.cases, 2);
    assert_eq!(b.totals.case_years, 6);
    let by_hand = b.cases.iter().flat_map(|c| &c.years).map(|y| y.truce.log).sum::<f64>() / 6.0;
    assert!((b.totals.mean_log[0] - by_hand).abs() < 1e-12);
    // The PIT of the realised end is the share of runs that ended earlier, randomised over
    // the runs that ended in the same week.
    let cf = CaseForecast::from_aggregate(&f.aggregate);
    let (lo, hi) = (cf.cdf(real.end_week - 1), cf.cdf(real.end_week));
    assert!(lo <= real.truce_end.pit && real.truce_end.pit <= hi, "{lo} {} {hi}", real.truce_end.pit);
}
