//! Patrons whose roles react to the war (`docs/reference/patrons.md` §6): a supplier's
//! cut-off (and an ally's exit) that grows likelier as its client loses, and a patron that
//! takes the mediator's seat when the war ripens. Each mechanism can change a run; with it
//! off (`loss_weight` 0, `mediate_per_year` 0) a run is bit for bit the run without it. Every
//! case adds a patron to the `generic-interstate` built-in; every comparison is on the same
//! seeds, so that a difference is the mechanism's and not the draws'.

mod common;

use common::find_diagnostic as find;
use truce_engine::builtin;
use truce_engine::load::{load_str, Diagnostic};
use truce_engine::params::Params;
use truce_engine::sim::{NoObserver, Observer, RoundView, Sim, WarState, WeekView};

fn base() -> &'static str {
    builtin::builtin("generic-interstate").unwrap()
}

/// The built-in with `extra` appended.
fn with(extra: &str) -> Params {
    let text = format!("{}\n{extra}\n", base());
    load_str("roles.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

/// A patron of side `side` with the roles and keys `keys` (inside `patron = { … }`), an aid
/// line to its client and positions at 0 on both issues (side `b`'s side of the table).
fn patron(side: &str, keys: &str) -> String {
    format!(
        r#"
[[actors]]
id = "patron"
role = "supporter"
side = "{side}"
capability = 0
positions = {{ province = 0, reparations = 0 }}
saliences = {{ province = 50, reparations = 50 }}
aid = {{ to = "{side}", level = 1.0 }}
patron = {{ side = "{side}", {keys} }}
"#
    )
}

/// What a run shows of the patron: when its roles changed, the ripeness of each week, who
/// mediated each round, and the line (km²) week by week.
#[derive(Default)]
struct Watch {
    changes: Vec<(u32, u8, u8)>,
    ripeness: Vec<(u32, f64)>,
    mediators: Vec<(u32, usize)>,
    km2: Vec<f64>,
}

impl Observer for Watch {
    fn week(&mut self, w: &WeekView) {
        self.ripeness.push((w.week, w.ripeness));
        self.km2.push(w.km2);
    }
    fn round(&mut self, r: &RoundView<'_>) {
        self.mediators.push((r.week, r.mediator));
    }
    fn patron(&mut self, week: u32, _actor: usize, from: u8, to: u8) {
        self.changes.push((week, from, to));
    }
}

fn watch(sim: &mut Sim, seed: u64, run: u64) -> (truce_engine::sim::RunSummary, Watch) {
    let mut w = Watch::default();
    let s = sim.run(seed, run, &mut w);
    (s, w)
}

/// The week the supplier role ended (none: never).
fn cut_week(w: &Watch) -> Option<u32> {
    w.changes.iter().find(|c| c.1 & 2 != 0 && c.2 & 2 == 0).map(|c| c.0)
}

#[test]
fn a_losing_client_loses_its_supplier_sooner() {
    // The same supplier, with a constant cut-off hazard and with one that rises as its client
    // loses ground toward its collapse line. Each side is tried as the client: on the same
    // seeds the draws are the same until the first cut-off, and the rising hazard is never
    // below the constant one, so the cut-off comes no later in any run — and earlier in runs
    // where the client had lost ground.
    for side in ["a", "b"] {
        let keys = "roles = [\"supplier\"], cutoff_per_year = 0.3";
        let constant = with(&patron(side, keys));
        let rising = with(&patron(side, &format!("{keys}, loss_weight = 3")));
        let (mut sa, mut sb) = (Sim::new(&constant), Sim::new(&rising));
        let (mut sooner, mut compared) = (0, 0);
        for run in 0..300 {
            let (_, a) = watch(&mut sa, 21, run);
            let (_, b) = watch(&mut sb, 21, run);
            match (cut_week(&a), cut_week(&b)) {
                (Some(x), Some(y)) => {
                    assert!(y <= x, "side {side}, run {run}: cut off at week {y} with the rising hazard, {x} without");
                    sooner += usize::from(y < x);
                    compared += 1;
                }
                (None, Some(_)) => sooner += 1,
                (Some(x), None) => panic!("side {side}, run {run}: cut off at week {x} only without the rising hazard"),
                (None, None) => {}
            }
        }
        assert!(compared >= 30, "side {side}: too few cut-offs to compare: {compared}");
        assert!(sooner >= 5, "side {side}: the losing client lost its supplier sooner in {sooner} runs only");
    }
}

#[test]
fn the_cut_off_hazard_rises_only_with_the_ground_the_client_has_lost() {
    // Where the cut-off came sooner, the client had lost ground before it: in the week of the
    // earlier cut-off the line lay on the client's losing side of the start.
    let keys = "roles = [\"supplier\"], cutoff_per_year = 0.3";
    for (side, sign) in [("a", -1.0), ("b", 1.0)] {
        let constant = with(&patron(side, keys));
        let rising = with(&patron(side, &format!("{keys}, loss_weight = 3")));
        let start = constant.start_km2;
        let (mut sa, mut sb) = (Sim::new(&constant), Sim::new(&rising));
        for run in 0..200 {
            let (_, a) = watch(&mut sa, 23, run);
            let (_, b) = watch(&mut sb, 23, run);
            let (Some(y), x) = (cut_week(&b), cut_week(&a)) else { continue };
            if x.is_some_and(|x| x == y) {
                continue;
            }
            let line = b.km2[y as usize];
            assert!(sign * (line - start) > 0.0, "side {side}, run {run}: cut off sooner at week {y}, line {line}");
        }
    }
}

#[test]
fn an_allys_exit_comes_sooner_as_its_client_loses() {
    let keys = "roles = [\"ally\"], ally_share = 0.2, exit_per_year = 0.3";
    let (mut sooner, mut later) = (0, 0);
    for side in ["a", "b"] {
        let (mut sa, mut sb) =
            (Sim::new(&with(&patron(side, keys))), Sim::new(&with(&patron(side, &format!("{keys}, loss_weight = 3")))));
        for run in 0..200 {
            let exit = |w: &Watch| w.changes.iter().find(|c| c.1 & 1 != 0 && c.2 & 1 == 0).map(|c| c.0);
            let (x, y) = (exit(&watch(&mut sa, 29, run).1), exit(&watch(&mut sb, 29, run).1));
            match (x, y) {
                (Some(x), Some(y)) if y < x => sooner += 1,
                (None, Some(_)) => sooner += 1,
                (Some(x), Some(y)) if y > x => later += 1,
                (Some(_), None) => later += 1,
                _ => {}
            }
        }
    }
    assert_eq!(later, 0, "an exit came later with the rising hazard");
    assert!(sooner >= 5, "the ally left sooner in {sooner} runs only");
}

#[test]
fn with_the_mechanisms_off_a_run_is_bit_for_bit_the_run_without_them() {
    // `loss_weight = 0` and `mediate_per_year = 0` written out change nothing.
    let keys = "roles = [\"supplier\", \"ally\"], ally_share = 0.2, cutoff_per_year = 0.3, exit_per_year = 0.3";
    let plain = with(&patron("b", keys));
    let off = with(&patron("b", &format!("{keys}, loss_weight = 0, mediate_per_year = 0, leave_seat_per_year = 0")));
    let (mut sa, mut sb) = (Sim::new(&plain), Sim::new(&off));
    for run in 0..100 {
        let (x, y) = (sa.run(4, run, &mut NoObserver), sb.run(4, run, &mut NoObserver));
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "run {run}");
    }
}

/// A patron of side `b` that does not mediate at the start, with a mediator's pull toward its
/// client and leverage over it; `rate` its `mediate_per_year`.
fn would_mediate(rate: f64) -> Params {
    with(&patron(
        "b",
        &format!("roles = [\"supplier\"], mediator_pull = 0.5, mediator_leverage = 0.3, mediate_per_year = {rate}"),
    ))
}

#[test]
fn a_ripe_war_hands_the_seat_to_the_patron_and_that_changes_who_mediates_and_the_outcomes() {
    let (never, drawn) = (would_mediate(0.0), would_mediate(8.0));
    let protocol = never.mediator;
    let patron = never.actor_ids.iter().position(|a| a == "patron").unwrap();
    let (mut sa, mut sb) = (Sim::new(&never), Sim::new(&drawn));
    let (mut seated, mut patron_rounds) = (0, 0);
    let mut mix = [[0u32; 2]; 4];
    for run in 0..400 {
        let (x, a) = watch(&mut sa, 33, run);
        let (y, b) = watch(&mut sb, 33, run);
        // Without the mechanism the protocol's mediator runs every round.
        assert!(a.mediators.iter().all(|&(_, m)| m == protocol), "run {run}");
        if let Some(&(week, from, to)) = b.changes.first() {
            // The patron took the seat (kept its supply), in a week the war was ripe.
            assert_eq!((from, to), (2, 2 | 4), "run {run}");
            let r = b.ripeness.iter().find(|w| w.0 == week).map_or(0.0, |w| w.1);
            assert!(r > 0.0, "run {run}: took the seat at week {week} with ripeness {r}");
            // From then on it mediates every round; before, the protocol's mediator does.
            for &(w, m) in &b.mediators {
                assert_eq!(m, if w >= week { patron } else { protocol }, "run {run}, week {w}");
                patron_rounds += usize::from(w >= week);
            }
            seated += 1;
        } else {
            assert!(b.mediators.iter().all(|&(_, m)| m == protocol), "run {run}");
        }
        for (i, s) in [x, y].iter().enumerate() {
            let k = match s.state {
                WarState::Settled => 0,
                WarState::Ceasefire => 1,
                WarState::Fighting | WarState::LowActivity => 2,
                _ => 3,
            };
            mix[k][i] += 1;
        }
    }
    assert!(seated >= 40 && patron_rounds >= 40, "the patron took the seat in {seated} runs, {patron_rounds} rounds");
    // The outcome mix moves: a mediator that pulls toward side b and presses it.
    let moved: u32 = mix.iter().map(|m| m[0].abs_diff(m[1])).sum();
    assert!(moved >= 20, "outcome mix (settled, ceasefire, fighting, collapse) without/with: {mix:?}");
}

/// A patron drawn into the chair by ripeness that gives it back at `leave` a year × (1 −
/// ripeness): the seat goes back to the protocol's mediator, the rounds after follow it, and
/// the patron runs fewer rounds than one that keeps the seat (same seeds).
#[test]
fn a_patron_gives_the_seat_back_as_the_war_eases() {
    let keys = |leave: f64| {
        format!(
            "roles = [\"supplier\"], mediator_pull = 0.5, mediator_leverage = 0.3, mediate_per_year = 8, \
             leave_seat_per_year = {leave}"
        )
    };
    let (keeps, leaves) = (with(&patron("b", &keys(0.0))), with(&patron("b", &keys(8.0))));
    let protocol = keeps.mediator;
    let patron_id = keeps.actor_ids.iter().position(|a| a == "patron").unwrap();
    let (mut sa, mut sb) = (Sim::new(&keeps), Sim::new(&leaves));
    let (mut gave_back, mut rounds_keep, mut rounds_leave) = (0, 0, 0);
    for run in 0..400 {
        let (_, a) = watch(&mut sa, 33, run);
        let (_, b) = watch(&mut sb, 33, run);
        // Without the hazard the seat, once taken, is never given back.
        assert!(a.changes.iter().all(|&(_, _, to)| to & 4 != 0), "run {run}: {:?}", a.changes);
        // With it, each change takes or gives back the seat (the supply kept), and every
        // round is run by whoever holds the seat that week.
        for &(week, from, to) in &b.changes {
            assert!((from, to) == (2, 6) || (from, to) == (6, 2), "run {run}, week {week}: {from} → {to}");
            if to == 2 {
                let r = b.ripeness.iter().find(|w| w.0 == week).map_or(0.0, |w| w.1);
                assert!(r < 1.0, "run {run}: gave the seat back at week {week} with ripeness {r}");
                gave_back += 1;
            }
        }
        for &(w, m) in &b.mediators {
            let seated = b.changes.iter().rev().find(|c| c.0 <= w).is_some_and(|c| c.2 & 4 != 0);
            assert_eq!(m, if seated { patron_id } else { protocol }, "run {run}, week {w}: {:?}", b.changes);
            rounds_leave += usize::from(seated);
        }
        rounds_keep += a.mediators.iter().filter(|&&(_, m)| m == patron_id).count();
    }
    assert!(gave_back >= 20, "the seat was given back {gave_back} times");
    assert!(
        rounds_leave < rounds_keep,
        "rounds the patron ran: keeps the seat {rounds_keep}, gives it back {rounds_leave}"
    );
}

/// Loads `text`, expecting failure, and returns the diagnostics.
fn errors(extra: &str) -> Vec<Diagnostic> {
    common::load_errors(&format!("{}\n{extra}\n", base()))
}

#[test]
fn bad_role_hazard_parameters_are_located_errors() {
    for (key, bad) in [
        ("loss_weight", "-1"),
        ("loss_weight", "11"),
        ("mediate_per_year", "-0.5"),
        ("mediate_per_year", "60"),
        ("leave_seat_per_year", "-1"),
        ("leave_seat_per_year", "53"),
    ] {
        let ds = errors(&patron("b", &format!("roles = [\"supplier\"], {key} = {bad}")));
        find(&ds, &[&format!("actors.patron.patron.{key}"), "out of range"]);
    }
    for (key, bad) in [("loss_weight", "nan"), ("mediate_per_year", "inf"), ("leave_seat_per_year", "nan")] {
        let ds = errors(&patron("b", &format!("roles = [\"supplier\"], {key} = {bad}")));
        let d = find(&ds, &["not a finite number"]);
        assert!(d.line.is_some() && d.column.is_some(), "{key} = {bad}: {d:?}");
    }
}

/// A coalition partner of side `a` that refuses every freeze short of its own aims (its red
/// line on the province at its position, heavy audience costs), with the keys `keys` added to
/// its `[actors.coalition]`.
fn hardline_partner(keys: &str) -> Params {
    with(&format!(
        r#"
[[actors]]
id = "partner"
role = "belligerent"
side = "a"
capability = 0.5
positions = {{ province = 100, reparations = 100 }}
saliences = {{ province = 90, reparations = 10 }}
red_lines = {{ province = {{ at = 100, audience_cost = 20.0 }} }}
coalition = {{ share = 0.3, exit_per_year = 0{keys} }}
"#
    ))
}

/// Per round: the deal margins of side `a`'s lead and of its partner; and the ceasefires
/// agreed.
#[derive(Default)]
struct Margins {
    deal: Vec<(f64, f64)>,
    ceasefires: u32,
}

impl Observer for Margins {
    fn round(&mut self, r: &RoundView<'_>) {
        let m = |a: usize| r.decisions.iter().find(|d| d.actor == a).map(|d| d.margin);
        // Actor 0 leads side a; the partner is actor 3 (after a, b and the mediator).
        if let (Some(lead), Some(partner)) = (m(0), m(3)) {
            self.deal.push((lead, partner));
        }
        self.ceasefires += u32::from(r.ceasefire);
    }
}

#[test]
fn a_partner_that_depends_on_its_lead_weighs_the_leads_view() {
    let free = hardline_partner("");
    let bound = hardline_partner(", dependence = 1, lead_leverage = 1");
    let half = hardline_partner(", dependence = 0.5, lead_leverage = 1");
    assert_eq!(free.sides[0].belligerent, 0);
    assert_eq!(free.actor_ids.iter().position(|a| a == "partner"), Some(3));
    let (mut s_free, mut s_bound, mut s_half) = (Sim::new(&free), Sim::new(&bound), Sim::new(&half));
    let (mut rounds, mut cf) = (0, [0u32; 2]);
    for run in 0..300 {
        let (mut a, mut b, mut c) = (Margins::default(), Margins::default(), Margins::default());
        s_free.run(41, run, &mut a);
        s_bound.run(41, run, &mut b);
        s_half.run(41, run, &mut c);
        cf[0] += a.ceasefires;
        cf[1] += b.ceasefires;
        // Fully dependent, with full leverage: the partner's margin is its lead's.
        for &(lead, partner) in &b.deal {
            assert!((lead - partner).abs() <= 1e-9 * (1.0 + lead.abs()), "run {run}: lead {lead}, partner {partner}");
        }
        // Half way: at the first round (the same in all three arms) the partner's margin lies
        // half way between its own and its lead's.
        if let (Some(&(lead, own)), Some(&(_, mid))) = (a.deal.first(), c.deal.first()) {
            assert!((mid - (own + 0.5 * (lead - own))).abs() <= 1e-9 * (1.0 + own.abs()), "run {run}: {mid}");
            assert!(own != lead, "run {run}: the test cannot fail");
            rounds += 1;
        }
    }
    assert!(rounds >= 30, "too few first rounds: {rounds}");
    // Free, the hardliner blocks every freeze; bound to its lead, it lets freezes through.
    assert_eq!(cf[0], 0, "ceasefires with a free hardline partner");
    assert!(cf[1] > 0, "no ceasefire with a partner bound to its lead");
}

#[test]
fn bad_partner_dependence_is_a_located_error() {
    for (key, bad) in [("dependence", "1.5"), ("dependence", "-0.1"), ("lead_leverage", "2")] {
        let text = format!(
            "{}\n[[actors]]\nid = \"partner\"\nrole = \"belligerent\"\nside = \"a\"\ncapability = 0.5\npositions = {{ province = 100, reparations = 100 }}\nsaliences = {{ province = 90, reparations = 10 }}\ncoalition = {{ share = 0.3, {key} = {bad} }}\n",
            base()
        );
        let ds = common::load_errors(&text);
        find(&ds, &[&format!("actors.partner.coalition.{key}"), "out of range"]);
    }
}

/// The built-in where side `a`'s and side `b`'s effectiveness depend half on aid, with a
/// donor's small line to `a` and a patron that supplies `b` (a line four times the donor's),
/// plus `extra`.
fn aided(extra: &str) -> Params {
    let base = base()
        .replacen("id = \"a\"\nname = \"State A\"", "id = \"a\"\nname = \"State A\"\naid_dependence = 0.5", 1)
        .replacen("id = \"b\"\nname = \"State B\"", "id = \"b\"\nname = \"State B\"\naid_dependence = 0.5", 1);
    assert!(base.matches("aid_dependence = 0.5").count() == 2, "the built-in's sides moved");
    let text = format!(
        r#"{base}
[[actors]]
id = "donor"
role = "supporter"
side = "a"
capability = 0
positions = {{ province = 100, reparations = 100 }}
saliences = {{ province = 50, reparations = 50 }}
aid = {{ to = "a", level = 0.25 }}
{patron}
{extra}
"#,
        patron = patron("b", "roles = [\"supplier\"]")
    );
    load_str("switch.toml", &text).unwrap_or_else(|e| panic!("{e}")).params
}

/// A `patron_roles` event for the patron on 2000-03-06 (week 9) with `keys`.
fn switch(keys: &str) -> String {
    format!("[[events]]\ndate = 2000-03-06\nkind = \"patron_roles\"\nactor = \"patron\"\n{keys}\n")
}

#[test]
fn a_supplier_that_switches_sides_moves_the_front_toward_its_new_client() {
    // The Soviet Union's switch from Somalia to Ethiopia in 1977 (Ogaden war), generalised:
    // the patron's aid line now flows to the other side, so the side it left loses the
    // effectiveness its aid carried and the side it joins gains it.
    let stays = aided(&switch("roles = [\"supplier\"]"));
    let moves = aided(&switch("side = \"a\"\nroles = [\"supplier\"]"));
    let (mut sa, mut sb) = (Sim::new(&stays), Sim::new(&moves));
    let (mut higher, mut lower) = (0, 0);
    let (mut sum_a, mut sum_b) = (0.0, 0.0);
    for run in 0..400 {
        let (_, a) = watch(&mut sa, 41, run);
        let (_, b) = watch(&mut sb, 41, run);
        // Nothing differs before the switch (week 9): same seeds, same draws.
        for w in 0..9.min(a.km2.len()).min(b.km2.len()) {
            assert_eq!(a.km2[w].to_bits(), b.km2[w].to_bits(), "run {run}, week {w}");
        }
        // Side a's area (km²) a year in, or at the run's end if sooner.
        let at = |w: &Watch| w.km2[51.min(w.km2.len() - 1)];
        let (x, y) = (at(&a), at(&b));
        sum_a += x;
        sum_b += y;
        higher += usize::from(y > x);
        lower += usize::from(y < x);
    }
    assert!(
        sum_b > sum_a && higher > 2 * lower,
        "side a's area a year in: patron stays {:.0}, switches {:.0} (mean km²); higher in {higher} runs, lower in {lower}",
        sum_a / 400.0,
        sum_b / 400.0
    );
}

/// What a round shows: its proposal on the province, each belligerent's margin (a's, b's)
/// and outside option.
type Seen = (f64, [f64; 2], [f64; 2]);

/// The first talk round at or after the switch (week 9) of each of `runs` runs of `p`, or
/// none where the run ended or held no round by then.
fn first_round_after_switch(p: &Params, runs: u64) -> Vec<Option<Seen>> {
    #[derive(Default)]
    struct First(Option<Seen>);
    impl Observer for First {
        fn round(&mut self, r: &RoundView<'_>) {
            if r.week >= 9 && self.0.is_none() {
                let margin = |a: usize| r.decisions.iter().find(|d| d.actor == a).map_or(f64::NAN, |d| d.margin);
                self.0 = Some((r.proposal[0], [margin(0), margin(1)], r.outside));
            }
        }
    }
    let mut sim = Sim::new(p);
    (0..runs)
        .map(|run| {
            let mut f = First::default();
            sim.run(57, run, &mut f);
            f.0
        })
        .collect()
}

#[test]
fn a_mediator_that_switches_sides_presses_its_new_client_and_pulls_toward_its_new_positions() {
    // A patron mediator from the start, backing b, its positions at 30 (b's side of the
    // table). Its lean (`mediator_leverage`) and its pull (`mediator_pull`) are tested apart.
    let make = |keys: &str, event: &str| {
        with(&format!(
            "{}\n{event}",
            patron("b", &format!("roles = [\"mediator\"], {keys}"))
                .replace("aid = { to = \"b\", level = 1.0 }\n", "")
                .replace(
                    "positions = { province = 0, reparations = 0 }",
                    "positions = { province = 30, reparations = 30 }"
                )
        ))
    };
    assert_eq!(make("", "").issue_ids[0], "province");
    // The lean: with no pull, the first round after the switch proposes the same deal, and
    // the switch moves the leverage from b's margin to a's, exactly, where the outside
    // options are the same (the lean also decides whether a freeze would be agreed, which
    // can make the armistice the outside option).
    let keys = "mediator_pull = 0, mediator_leverage = 0.3";
    let stays = first_round_after_switch(&make(keys, &switch("roles = [\"mediator\"]")), 1500);
    let moves = first_round_after_switch(&make(keys, &switch("side = \"a\"\nroles = [\"mediator\"]")), 1500);
    let mut seen = 0;
    for (run, (x, y)) in stays.iter().zip(&moves).enumerate() {
        let (Some((px, mx, ox)), Some((py, my, oy))) = (x, y) else {
            assert_eq!(x.is_some(), y.is_some(), "run {run}: the runs differ before the switch");
            continue;
        };
        assert_eq!(px.to_bits(), py.to_bits(), "run {run}: the same proposal");
        if ox != oy {
            continue;
        }
        assert!((my[0] - mx[0] - 0.3).abs() < 1e-9, "run {run}: a's margin {} → {}", mx[0], my[0]);
        assert!((my[1] - mx[1] + 0.3).abs() < 1e-9, "run {run}: b's margin {} → {}", mx[1], my[1]);
        seen += 1;
    }
    assert!(seen >= 50, "{seen} runs held a round after the switch");
    // The pull: a switch that states a's side of the table (70) pulls the proposal toward it.
    let keys = "mediator_pull = 0.5, mediator_leverage = 0";
    let stays = first_round_after_switch(&make(keys, &switch("roles = [\"mediator\"]")), 1500);
    let moves = first_round_after_switch(
        &make(keys, &switch("side = \"a\"\nroles = [\"mediator\"]\npositions = { province = 70, reparations = 70 }")),
        1500,
    );
    let (mut higher, mut other) = (0, 0);
    for (x, y) in stays.iter().zip(&moves) {
        if let (Some((px, ..)), Some((py, ..))) = (x, y) {
            if py > px {
                higher += 1;
            } else {
                other += 1;
            }
        }
    }
    assert!(higher >= 50 && other == 0, "the proposal on the province moved up in {higher} runs, not in {other}");
}

#[test]
fn an_ally_that_switches_sides_takes_its_forces_to_the_other_side() {
    // An ally of b holding a fifth of b's pooled forces goes over to a at week 9: b's forces
    // fall by its share, a's grow so that the ally holds a fifth of them, in the week of the
    // switch (the week's fighting moves both by far less).
    let make = |event: &str| with(&format!("{}\n{event}", patron("b", "roles = [\"ally\"], ally_share = 0.2")));
    let stays = make(&switch("roles = [\"ally\"]"));
    let moves = make(&switch("side = \"a\"\nroles = [\"ally\"]"));
    let forces = |p: &Params, run: u64| {
        #[derive(Default)]
        struct F(Vec<[f64; 2]>);
        impl Observer for F {
            fn week(&mut self, w: &WeekView) {
                self.0.push(w.forces);
            }
        }
        let mut f = F::default();
        Sim::new(p).run(13, run, &mut f);
        f.0
    };
    let mut seen = 0;
    for run in 0..200 {
        let (x, y) = (forces(&stays, run), forces(&moves, run));
        if x.len() <= 9 || y.len() <= 9 {
            continue;
        }
        assert_eq!(x[8], y[8], "run {run}: the same forces before the switch");
        let (rb, ra) = (y[9][1] / x[9][1], y[9][0] / x[9][0]);
        assert!((rb - 0.8).abs() < 0.02, "run {run}: b's forces × {rb} (the ally's fifth left)");
        assert!((ra - 1.25).abs() < 0.03, "run {run}: a's forces × {ra} (the ally's fifth of the new pool)");
        seen += 1;
    }
    assert!(seen >= 30, "{seen} runs fought past the switch");
}

#[test]
fn the_trace_says_which_side_the_patron_backs_now() {
    let p = aided(&switch("side = \"a\"\nroles = [\"supplier\"]\nnote = \"The patron changes sides\""));
    let mut sim = Sim::new(&p);
    let run = (0..200).find(|&r| sim.run(3, r, &mut NoObserver).week > 9).expect("a run past week 9");
    let mut obs = truce_engine::trace::TraceObserver::new(&p, 3);
    let s = sim.run(3, run, &mut obs);
    let trace = obs.finish(&s, sim.terms());
    let e = trace.events.iter().find(|e| e.kind == "PatronRoles").expect("the switch in the trace");
    assert_eq!((e.week, e.note.as_str()), (9, "The patron changes sides (patron backs State A)"));
}

#[test]
fn a_switch_to_the_side_a_patron_already_backs_changes_nothing() {
    let plain = aided(&switch("roles = [\"supplier\"]"));
    let same = aided(&switch("side = \"b\"\nroles = [\"supplier\"]"));
    let (mut sa, mut sb) = (Sim::new(&plain), Sim::new(&same));
    for run in 0..100 {
        let (x, y) = (sa.run(5, run, &mut NoObserver), sb.run(5, run, &mut NoObserver));
        assert_eq!(x, y, "run {run}");
    }
}

#[test]
fn a_switch_of_sides_names_a_patron_and_a_side() {
    let ds = errors(&switch("side = \"c\"\nroles = []"));
    find(&ds, &["events[0].side", "c"]);
    let ds = common::load_errors(&format!(
        "{}\n[[events]]\ndate = 2000-03-06\nkind = \"patron_roles\"\nactor = \"mediator\"\nside = \"a\"\nroles = []\n",
        base()
    ));
    find(&ds, &["events[0].actor", "not a patron"]);
}
