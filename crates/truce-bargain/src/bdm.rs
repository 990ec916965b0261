//! # Bueno de Mesquita's expected-utility model ("BDM"), as reconstructed by Scholz et al.
//!
//! This module forecasts a one-dimensional collective decision by simulating rounds of
//! challenges, offers, compromises and capitulations between actors, following Bueno de
//! Mesquita's expected-utility model in the form "unravelled" by Scholz, Calbert & Smith (2011).
//! It is pure computation: it must never do I/O, spawn threads, read the clock or draw random
//! numbers (the model is deterministic; [`SolveContext::seed`] is unused).
//!
//! Sources (definitions follow `docs/reference/bargaining-models.md` §4):
//!
//! - J. B. Scholz, G. J. Calbert & G. A. Smith (2011), "Unravelling Bueno de Mesquita's group
//!   decision model", *Proc. ICAART 2011*, pp. 18–30, DOI 10.5220/0003121500180030.
//! - B. Bueno de Mesquita (1985), "The war trap revisited", *APSR* 79(1):156–177.
//! - B. Bueno de Mesquita & D. Lalman (1986), "Reason and war", *APSR* 80(4):1113–1129.
//! - B. Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in
//!   Bueno de Mesquita & Stokman (eds), *European Community Decision Making*, Yale UP, 71–104.
//! - B. Bueno de Mesquita (1997), "A decision making model: its structure and form",
//!   *International Interactions* 23(3–4):235–266.
//!
//! No code from any public replication was used; everything here is implemented from the
//! equations and behaviour descriptions in the reference.
//!
//! The published model leaves many steps open. Every documented ambiguity (reference §4.5) is a
//! named field of [`BdmOptions`]; two presets bundle them: [`BdmOptions::paper_literal`] (the
//! default: the printed equations, §4.7) and [`BdmOptions::scholz_code`] (the behaviour that
//! nearly reproduces Scholz's Table 2, §4.6).
//!
//! ## One round (both presets)
//!
//! 1. R = range of positions ([`RangeMode`]); μ = median voter position ([`MedianRule`]).
//! 2. Pass 1, all risk exponents r = 1: probabilities of success, expected utilities, security
//!    levels, risk attitudes R_i (eq. 34) and exponents r_i = (1 − R_i/3)/(1 + R_i/3) (eq. 33).
//! 3. Pass 2 with those r_i: expected utilities of every ordered pair.
//! 4. Each actor i looks at every actor j at another position, classifies the pair by the Fig. 6
//!    octant of (E^i(U_ij), E^j(U_ji)) as computed by i's side, collects the offers that make i
//!    move, and takes one ([`OfferPriority`], [`WithinClassSelection`]).
//! 5. All moves are applied at once.
//!
//! Actors only ever move to another actor's position or part way towards it, so positions stay
//! within the initial range.
//!
//! ## Output
//!
//! Round 0 is the input; then one [`Round`](crate::model::Round) per model round
//! ([`SolveContext::rounds`] or [`BdmOptions::rounds`], default [`DEFAULT_ROUNDS`] = 10, the
//! horizon of Scholz's replication). A round's `forecast` is the model's median voter position
//! μ of the positions at the end of that round (what Scholz's Table 2 reports as "median");
//! `median` and `mean` are the c·s-weighted lower median and mean of the same positions.
//!
//! ## What it reproduces (tests in `tests/bdm.rs`)
//!
//! - Scholz-code preset, Q = 1, Table 1 data: the G3 medians and means of rounds 0–10 to 1e-6,
//!   and the per-actor positions of §4.8. Against Scholz's published Table 2 the medians agree
//!   within 0.1 except round 2 (9.610859… here, 9.9 printed: the known deviation of §4.9) and
//!   the means within 0.1 in rounds 1–8.
//! - Paper-literal preset (the default; a confrontation is no offer, `NoMove`): medians 9.53
//!   from round 1 on and means 7.61, 7.72, 8.30, 9.50, 9.51, 9.53, 9.54, 9.55 in rounds 1–8 —
//!   the literal reading of the paper, which peer reconstructions report too (9.53 / 7.61 /
//!   7.72, reference §4.7). With `FullMove` (the loser of a confrontation moves to the
//!   winner): medians 7.0, means 7.52, 7.83, 7.38, 7.03, 7.16, 7.03, 7.16, 7.03; with
//!   `FullMove` and `FixedInitial` 7.52, 7.83, 7.38, then 7.00 — all of §4.7 to the printed
//!   two decimals. Matching the `FullMove` rows needs one rule the
//!   reference does not list: an actor facing equally small moves in opposite directions
//!   takes the lower position ([`TieBreak::LowerPosition`]); with ties to the first actor the
//!   round-2 mean is 7.89 instead of 7.83.
//!
//! ## Guards (not addressed in the sources)
//!
//! - R = 0 (all actors agree): nobody moves.
//! - Pairs at identical positions are skipped (zero denominator in eq. 31; both public
//!   replications do the same): no offer, no contribution to security levels.
//! - max Sec = min Sec (within a relative 1e-12): every r_i = 1.
//! - A zero pairwise probability denominator between distinct positions (all voters weightless)
//!   gives P = 0.5; a zero global denominator gives P = 0.
//! - All weights c·s zero: the median falls back to equal weights (as [`crate::median`]).

use crate::model::{round_from_view, BargainingModel, IssueSolution, ModelError, Solution, SolveContext};
use crate::stats::{weighted_median, TieRule};
use crate::table::{ActorTable, IssueView};

/// Number of rounds when neither the caller nor the options say otherwise: Scholz's
/// replication and its golden numbers (reference §4.9, G3) run 10 rounds.
pub const DEFAULT_ROUNDS: usize = 10;

/// How the range R that normalises distances is measured (reference §4.5 `range_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeMode {
    /// R = max − min of the current positions, every round (printed reading).
    Dynamic,
    /// R = max − min of the initial positions, for the whole run (Scholz code).
    FixedInitial,
}

/// The rule for T, whether j's uncoerced move to μ helps i (only matters when Q < 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TRule {
    /// T = 1 iff |x_i − μ| < |x_i − x_j| (reproduces Scholz's cases 1–3B).
    CloserToMedian,
    /// T = 1 always.
    AlwaysOne,
    /// T = 0 always.
    AlwaysZero,
}

/// Which terms of the no-challenge branch (eq. 7) are subtracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoChallengeTerms {
    /// Q·U_sq + (1 − Q)[T·U_b + (1 − T)·U_w] (printed eq. 7).
    FullEq7,
    /// Q·U_sq only (Scholz code); only valid at Q = 1.
    StatusQuoOnly,
}

/// How the median voter position μ is found (all give a weighted median; ties differ, §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedianRule {
    /// Lower c·s-weighted median (first cumulative weight ≥ half).
    WeightedMedianLower,
    /// Upper c·s-weighted median (first cumulative weight > half).
    WeightedMedianUpper,
    /// Actor position with the largest row sum Σ_k v^{jk} (eq. 29); ties: first actor.
    ArgmaxRowSum,
    /// Distinct position whose worst pairwise margin min_k v^{jk} is largest (the Condorcet
    /// winner); ties: first in order of appearance.
    ArgmaxPair,
    /// Sequential pairwise contest over distinct positions in order of appearance: a later
    /// position replaces the incumbent when it beats it strictly (Scholz code).
    SequentialPairwise,
}

/// What the votes for "a beats b" are divided by in the probability of success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbabilityNormaliser {
    /// Σ_k |v_k(a, b)| for this pair only (eq. 31), so P(a, b) + P(b, a) = 1.
    Eq31Pairwise,
    /// Σ_k Σ_p Σ_q |v_k(p, q)| over all ordered pairs of actors (Scholz code; tiny P).
    GlobalAllPairs,
}

/// Whether voters' utilities in the probability are linear or use their risk exponents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbabilityRisk {
    /// v_k ∝ c_k s_k (|x_k − x_b| − |x_k − x_a|) (eq. 31).
    Linear,
    /// v_k = c_k s_k [(|x_k − x_b|/R)^{r_k} − (|x_k − x_a|/R)^{r_k}] (Scholz code).
    VoterRiskExponents,
}

/// Whose risk exponent the two expected utilities of a pair use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EuRiskHolder {
    /// E^i(U_ij) with r_i and E^j(U_ji) with r_j (printed 25a/25b).
    OwnPerspective,
    /// Both with the exponent of the actor deciding whether to move (Scholz code).
    MoverPerspective,
}

/// The salience of the resisting target in E^j(U_ji) (eq. 25b).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResistSalience {
    /// s_i, the target's salience, by the i↔j symmetry of eq. 6.
    TargetSalience,
    /// s_j as printed in 25b (j being the other actor of the focal actor's pair).
    PrintedSj,
}

/// Whose expected utilities make up an actor's security level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecuritySum {
    /// Sec_i = Σ_{j≠i} E^j(U_ji), the adversaries' own view (BDM 1985).
    AdversariesView,
    /// Sec_i = Σ_{j≠i} E^i(U_ji), as printed in the Appendix. Security levels are computed at
    /// the r = 1 pass, where both views coincide, so this gives the same numbers (derived).
    OwnView,
}

/// What an actor's security level is compared with to get its risk attitude R_i.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskNormalisation {
    /// R_i = (2 Sec_i − max_k Sec_k − min_k Sec_k)/(max − min) over actors (eq. 34).
    AcrossActors,
    /// Compare Sec_i at i's position with Sec_i if i stood at each distinct current position
    /// (other actors, voters and probabilities unchanged): suggested, never used by anyone.
    AcrossOwnPositions,
}

/// What a confrontation (both expected utilities positive) does to the loser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictMove {
    /// The loser moves to the winner's position.
    FullMove,
    /// Nobody moves: a confrontation is no offer, other offers are considered instead.
    NoMove,
}

/// How the octants of the (E^i, E^j) plane are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignConditions {
    /// Scholz Fig. 6: the actor with the negative expected utility compromises or capitulates.
    Figure6,
    /// Our reading of the printed text, which contradicts the figure: in the two "upper hand"
    /// regions the roles are swapped (the actor with the positive expected utility concedes).
    /// The reference does not quote the text; reconstruction.
    PrintedText,
}

/// Which class of offer an actor that must move prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferPriority {
    /// Confrontation, then compromise, then capitulation (Scholz §6.2).
    ConflictCompromiseCapitulate,
    /// The smallest move over all classes ("players move the least that they can"); ties by
    /// class priority, then input order. `within_class_selection` is not used.
    LeastMoveOverall,
}

/// Which offer an actor takes among offers of the same class. Ties: first actor in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithinClassSelection {
    /// The smallest move.
    LeastMove,
    /// The offer of the proposer with the highest expected utility E^j(U_ji).
    HighestProposerEU,
    /// Compromises: the lowest weighted point (|a| x_i + |b| x_j)/(|a| + |b|) (Scholz code's
    /// quirk); other classes: the smallest move.
    MinWeightedPoint,
}

/// How an actor chooses between offers that the selection rule ranks exactly equal (for
/// example a confrontation loser at 7 facing winners at 4 and at 10). Not in the reference's
/// switch table (§4.5); needed to reproduce both §4.6 and §4.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieBreak {
    /// The offer leading to the lower position, then the first proposer in input order.
    /// Reproduces the paper-literal numbers of reference §4.7 and does not depend on actor
    /// order.
    LowerPosition,
    /// The first proposer in input order (Scholz code).
    FirstActor,
}

/// Every documented ambiguity of the model (reference §4.5) as one named switch. Salience
/// scaling (0–100 → 0–1) is done by the table readers, not here.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BdmOptions {
    /// How R is measured.
    pub range_mode: RangeMode,
    /// Q, probability of the status quo when i does not challenge; in [0, 1].
    pub status_quo_q: f64,
    /// Rule for T (irrelevant at Q = 1).
    pub t_rule: TRule,
    /// Terms of the no-challenge branch.
    pub no_challenge_terms: NoChallengeTerms,
    /// How μ is found.
    pub median_rule: MedianRule,
    /// Probability normaliser.
    pub probability_normaliser: ProbabilityNormaliser,
    /// Voters' utilities in the probability.
    pub probability_risk: ProbabilityRisk,
    /// Whose risk exponent the pair's expected utilities use.
    pub eu_risk_holder: EuRiskHolder,
    /// Resisting salience in eq. 25b.
    pub resist_salience_25b: ResistSalience,
    /// Security level definition.
    pub security_sum: SecuritySum,
    /// Risk attitude normalisation.
    pub risk_normalisation: RiskNormalisation,
    /// What a confrontation does.
    pub conflict_move: ConflictMove,
    /// Reading of the octants.
    pub sign_conditions: SignConditions,
    /// Whether capitulation (compel) offers exist; `false` reproduces the Scholz code's typo.
    pub capitulation_enabled: bool,
    /// Preference between offer classes.
    pub offer_priority: OfferPriority,
    /// Choice within a class.
    pub within_class_selection: WithinClassSelection,
    /// Choice between exactly equal offers.
    pub tie_break: TieBreak,
    /// Rounds τ when the caller does not give [`SolveContext::rounds`].
    pub rounds: usize,
}

impl Default for BdmOptions {
    /// The printed equations ([`BdmOptions::paper_literal`]).
    fn default() -> Self {
        Self::paper_literal()
    }
}

impl BdmOptions {
    /// Preset "Paper-literal" (reference §4.7): the printed equations. A confrontation (both
    /// expect to gain from challenging) is read as no offer (`NoMove`): the figure names the
    /// region but the paper prints no move for it, and this is the reading under which a
    /// literal implementation reaches the median 9.53 from round 1 that peer reconstructions
    /// report. The default, because it is what the paper says, although it does not
    /// reproduce the paper's Table 2.
    pub fn paper_literal() -> Self {
        BdmOptions {
            range_mode: RangeMode::Dynamic,
            status_quo_q: 1.0,
            t_rule: TRule::CloserToMedian,
            no_challenge_terms: NoChallengeTerms::FullEq7,
            median_rule: MedianRule::ArgmaxRowSum,
            probability_normaliser: ProbabilityNormaliser::Eq31Pairwise,
            probability_risk: ProbabilityRisk::Linear,
            eu_risk_holder: EuRiskHolder::OwnPerspective,
            resist_salience_25b: ResistSalience::TargetSalience,
            security_sum: SecuritySum::AdversariesView,
            risk_normalisation: RiskNormalisation::AcrossActors,
            conflict_move: ConflictMove::NoMove,
            sign_conditions: SignConditions::Figure6,
            capitulation_enabled: true,
            offer_priority: OfferPriority::ConflictCompromiseCapitulate,
            within_class_selection: WithinClassSelection::LeastMove,
            tie_break: TieBreak::LowerPosition,
            rounds: DEFAULT_ROUNDS,
        }
    }

    /// Preset "Scholz-code" (reference §4.6): the behaviour that nearly reproduces Scholz's
    /// Table 2 (golden numbers G3), including its quirks.
    pub fn scholz_code() -> Self {
        BdmOptions {
            range_mode: RangeMode::FixedInitial,
            status_quo_q: 1.0,
            t_rule: TRule::CloserToMedian,
            no_challenge_terms: NoChallengeTerms::StatusQuoOnly,
            median_rule: MedianRule::SequentialPairwise,
            probability_normaliser: ProbabilityNormaliser::GlobalAllPairs,
            probability_risk: ProbabilityRisk::VoterRiskExponents,
            eu_risk_holder: EuRiskHolder::MoverPerspective,
            resist_salience_25b: ResistSalience::TargetSalience,
            security_sum: SecuritySum::AdversariesView,
            risk_normalisation: RiskNormalisation::AcrossActors,
            conflict_move: ConflictMove::FullMove,
            sign_conditions: SignConditions::Figure6,
            capitulation_enabled: false,
            offer_priority: OfferPriority::ConflictCompromiseCapitulate,
            within_class_selection: WithinClassSelection::MinWeightedPoint,
            tie_break: TieBreak::FirstActor,
            rounds: DEFAULT_ROUNDS,
        }
    }

    /// The preset these options equal (ignoring `rounds`), for notes.
    pub fn preset(&self) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| {
            let mut o = p.options();
            o.rounds = self.rounds;
            o == *self
        })
    }

    /// The switches in words, for notes: `preset NAME` when they equal a preset (rounds aside),
    /// else the switches that differ from the default preset, as `name value` pairs in kebab
    /// case (`custom switches: conflict-move full-move, q 0.5`).
    pub fn describe(&self) -> String {
        if let Some(p) = self.preset() {
            return format!("preset {}", p.name());
        }
        let base = Preset::ALL[0];
        let mine = self.switches();
        let theirs = base.options().switches();
        let diff: Vec<String> =
            mine.iter().zip(&theirs).filter(|(a, b)| a != b).map(|((k, v), _)| format!("{k} {v}")).collect();
        format!("custom switches (differing from preset {}): {}", base.name(), diff.join(", "))
    }

    /// Every switch but `rounds` as `(name, value)` in kebab case, in declaration order.
    fn switches(&self) -> Vec<(&'static str, String)> {
        fn kebab(d: impl std::fmt::Debug) -> String {
            let mut out = String::new();
            let mut prev: Option<char> = None;
            for c in format!("{d:?}").chars() {
                // A capital starts a word unless it follows one (`EU` stays one word).
                if c.is_ascii_uppercase() && prev.is_some_and(|p| !p.is_ascii_uppercase()) {
                    out.push('-');
                }
                out.push(c.to_ascii_lowercase());
                prev = Some(c);
            }
            out
        }
        vec![
            ("range-mode", kebab(self.range_mode)),
            ("q", format!("{}", self.status_quo_q)),
            ("t-rule", kebab(self.t_rule)),
            ("no-challenge-terms", kebab(self.no_challenge_terms)),
            ("median-rule", kebab(self.median_rule)),
            ("probability-normaliser", kebab(self.probability_normaliser)),
            ("probability-risk", kebab(self.probability_risk)),
            ("eu-risk-holder", kebab(self.eu_risk_holder)),
            ("resist-salience-25b", kebab(self.resist_salience_25b)),
            ("security-sum", kebab(self.security_sum)),
            ("risk-normalisation", kebab(self.risk_normalisation)),
            ("conflict-move", kebab(self.conflict_move)),
            ("sign-conditions", kebab(self.sign_conditions)),
            ("capitulation", if self.capitulation_enabled { "on" } else { "off" }.to_string()),
            ("offer-priority", kebab(self.offer_priority)),
            ("within-class-selection", kebab(self.within_class_selection)),
            ("tie-break", kebab(self.tie_break)),
        ]
    }

    fn validate(&self) -> Result<(), ModelError> {
        let q = self.status_quo_q;
        if !(0.0..=1.0).contains(&q) {
            return Err(ModelError::Invalid(format!("bdm: status_quo_q is {q}, expected a number in [0, 1]")));
        }
        if self.no_challenge_terms == NoChallengeTerms::StatusQuoOnly && q != 1.0 {
            return Err(ModelError::Invalid(format!(
                "bdm: no_challenge_terms = StatusQuoOnly is valid only at Q = 1 (Q is {q})"
            )));
        }
        Ok(())
    }
}

/// Named bundles of switches, so the command line can say `--preset NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// [`BdmOptions::paper_literal`].
    PaperLiteral,
    /// [`BdmOptions::scholz_code`].
    ScholzCode,
}

impl Preset {
    /// Every preset, the default first.
    pub const ALL: [Preset; 2] = [Preset::PaperLiteral, Preset::ScholzCode];
    /// The command-line names, in the order of [`Preset::ALL`].
    pub const NAMES: [&'static str; 2] = ["paper-literal", "scholz-code"];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::PaperLiteral => "paper-literal",
            Preset::ScholzCode => "scholz-code",
        }
    }

    /// Looks a preset up by its command-line name; the error lists the valid names.
    pub fn from_name(name: &str) -> Result<Preset, ModelError> {
        Preset::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| {
            ModelError::Invalid(format!("unknown BDM preset `{name}`; valid presets: {}", Preset::NAMES.join(", ")))
        })
    }

    /// The switches of this preset.
    pub fn options(self) -> BdmOptions {
        match self {
            Preset::PaperLiteral => BdmOptions::paper_literal(),
            Preset::ScholzCode => BdmOptions::scholz_code(),
        }
    }
}

/// The BDM expected-utility model (Scholz et al. 2011 reconstruction) behind the common trait.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bdm {
    /// The switches; [`BdmOptions::default`] is the paper-literal preset.
    pub options: BdmOptions,
}

impl Bdm {
    /// A model with the switches of a preset.
    pub fn with_preset(preset: Preset) -> Self {
        Bdm { options: preset.options() }
    }
}

impl BargainingModel for Bdm {
    fn name(&self) -> &str {
        "bdm"
    }

    fn solve(&self, table: &ActorTable, ctx: &SolveContext) -> Result<Solution, ModelError> {
        let o = &self.options;
        o.validate()?;
        let rounds = ctx.rounds.unwrap_or(o.rounds);
        crate::limits::check_output("bdm", rounds, table.n_actors(), table.n_issues())?;
        let cubes: f64 = (0..table.n_issues()).map(|k| (table.present(k) as f64).powi(3)).sum();
        crate::limits::check_work(
            "bdm",
            rounds as f64 * cubes,
            &format!("{rounds} rounds × actors³ summed over {} issue(s)", table.n_issues()),
            "use fewer rounds (--rounds) or fewer actors",
        )?;
        let mut issues = Vec::with_capacity(table.n_issues());
        for (k, issue) in table.issues().iter().enumerate() {
            let view = table.issue_view(k);
            if view.is_empty() {
                return Err(ModelError::Issue { issue: issue.name.clone(), reason: "no actor has a position".into() });
            }
            let traj = trajectory(o, &view, rounds);
            let rounds = traj
                .iter()
                .enumerate()
                .map(|(t, (mu, x))| round_from_view(t, *mu, &view, x, table.n_actors()))
                .collect();
            issues.push(IssueSolution { issue: issue.name.clone(), rounds });
        }
        Solution {
            model: self.name().to_string(),
            actors: table.actors().to_vec(),
            issues,
            notes: vec![
                format!("{}, {rounds} round(s)", o.describe()),
                "forecast = median voter position μ of each round (as in Scholz Table 2)".to_string(),
            ],
            diagnostics: None,
        }
        .check_finite()
    }
}

/// Runs the model on one issue: `(μ, positions)` for round 0 (the input) and each round, with
/// positions parallel to `view`. Public so that tests and tools can inspect trajectories
/// without building a [`Solution`].
pub fn trajectory(o: &BdmOptions, view: &IssueView, rounds: usize) -> Vec<(f64, Vec<f64>)> {
    let mut w = Work::new(view);
    let range0 = w.range();
    let mut out = Vec::with_capacity(rounds + 1);
    out.push((w.median(o.median_rule), w.x.clone()));
    for _ in 0..rounds {
        let range = match o.range_mode {
            RangeMode::Dynamic => w.range(),
            RangeMode::FixedInitial => range0,
        };
        if range > 0.0 && w.n >= 2 {
            // μ of the positions at the start of the round: the previous round's forecast.
            let mu = out.last().map_or(0.0, |r: &(f64, Vec<f64>)| r.0);
            w.step(o, range, mu);
            std::mem::swap(&mut w.x, &mut w.new_x);
        }
        out.push((w.median(o.median_rule), w.x.clone()));
    }
    out
}

/// Class of an offer that makes the focal actor move, in priority order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Conflict = 0,
    Compromise = 1,
    Capitulate = 2,
}

/// Per-issue state and preallocated buffers (struct of arrays).
struct Work {
    n: usize,
    /// Positions at the start of the round.
    x: Vec<f64>,
    /// Positions after the round.
    new_x: Vec<f64>,
    s: Vec<f64>,
    /// c·s weights.
    w: Vec<f64>,
    /// Risk exponents r_i.
    r: Vec<f64>,
    /// Distinct positions in order of first appearance, and each actor's index into them.
    uniq: Vec<f64>,
    uidx: Vec<usize>,
    /// P(uniq[a], uniq[b]) at `pm[a * m + b]`.
    pm: Vec<f64>,
    /// Voter disutility of each distinct position: `dt[p * n + k]` = (|x_k − uniq[p]|/R)^ρ_k.
    dt: Vec<f64>,
    sec: Vec<f64>,
    buf: Vec<f64>,
}

impl Work {
    fn new(view: &IssueView) -> Self {
        let n = view.len();
        Work {
            n,
            x: view.position.clone(),
            new_x: view.position.clone(),
            s: view.salience.clone(),
            w: view.weights(),
            r: vec![1.0; n],
            uniq: Vec::with_capacity(n),
            uidx: vec![0; n],
            pm: Vec::with_capacity(n * n),
            dt: Vec::with_capacity(n * n),
            sec: vec![0.0; n],
            buf: Vec::with_capacity(n),
        }
    }

    fn range(&self) -> f64 {
        let (lo, hi) = self.x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
        if hi > lo {
            hi - lo
        } else {
            0.0
        }
    }

    /// Weights for the median: c·s, or equal weights when they all vanish.
    fn median_weights(&self) -> Vec<f64> {
        if self.w.iter().any(|&v| v > 0.0) {
            self.w.clone()
        } else {
            vec![1.0; self.n]
        }
    }

    /// The median voter position μ of the current positions.
    fn median(&self, rule: MedianRule) -> f64 {
        let x = &self.x;
        let w = self.median_weights();
        // Net vote of position a against position b (eq. 28 without the constant 2/R).
        let vote =
            |a: f64, b: f64| -> f64 { x.iter().zip(&w).map(|(&xi, &wi)| wi * ((xi - b).abs() - (xi - a).abs())).sum() };
        let distinct = || {
            let mut d: Vec<f64> = Vec::with_capacity(x.len());
            for &v in x {
                if !d.contains(&v) {
                    d.push(v);
                }
            }
            d
        };
        match rule {
            MedianRule::WeightedMedianLower => weighted_median(x, &w, TieRule::Lower).unwrap_or(x[0]),
            MedianRule::WeightedMedianUpper => weighted_median(x, &w, TieRule::Upper).unwrap_or(x[0]),
            MedianRule::ArgmaxRowSum => {
                // Σ_k v^{jk} = Σ_k F(x_k) − n·F(x_j) with F(y) = Σ_i w_i |x_i − y|, so the
                // largest row sum is the smallest F; the first actor wins exact ties.
                let f = |y: f64| -> f64 { x.iter().zip(&w).map(|(&xi, &wi)| wi * (xi - y).abs()).sum() };
                let mut best = x[0];
                let mut best_f = f(best);
                for &y in &x[1..] {
                    let fy = f(y);
                    if fy < best_f {
                        best = y;
                        best_f = fy;
                    }
                }
                best
            }
            MedianRule::ArgmaxPair => {
                let d = distinct();
                let mut best = d[0];
                let mut best_m = f64::NEG_INFINITY;
                for &a in &d {
                    let m = d.iter().filter(|&&b| b != a).map(|&b| vote(a, b)).fold(f64::INFINITY, f64::min);
                    if m > best_m {
                        best = a;
                        best_m = m;
                    }
                }
                best
            }
            MedianRule::SequentialPairwise => {
                let d = distinct();
                let mut inc = d[0];
                for &c in &d[1..] {
                    if vote(c, inc) > 0.0 {
                        inc = c;
                    }
                }
                inc
            }
        }
    }

    /// Distinct positions and each actor's index into them.
    fn index_positions(&mut self) {
        self.uniq.clear();
        for i in 0..self.n {
            let v = self.x[i];
            let p = match self.uniq.iter().position(|&u| u == v) {
                Some(p) => p,
                None => {
                    self.uniq.push(v);
                    self.uniq.len() - 1
                }
            };
            self.uidx[i] = p;
        }
    }

    /// Fills `pm` with the probability of success of each distinct position against each
    /// other. `risky`: voters use their exponents r_k; otherwise linear utilities.
    fn fill_probabilities(&mut self, range: f64, risky: bool, norm: ProbabilityNormaliser) {
        let (n, m) = (self.n, self.uniq.len());
        self.dt.clear();
        for p in 0..m {
            let u = self.uniq[p];
            for k in 0..n {
                let d = (self.x[k] - u).abs() / range;
                self.dt.push(if risky { d.powf(self.r[k]) } else { d });
            }
        }
        let global = match norm {
            ProbabilityNormaliser::Eq31Pairwise => 0.0,
            ProbabilityNormaliser::GlobalAllPairs => {
                // Σ_k w_k Σ_{p,q actors} |D_k(x_p) − D_k(x_q)|, by sorting each voter's values:
                // Σ_{p,q} |d_p − d_q| = 2 Σ_i (2i − n + 1) d_(i) for d sorted ascending.
                let mut total = 0.0;
                for k in 0..n {
                    self.buf.clear();
                    for p in 0..n {
                        self.buf.push(self.dt[self.uidx[p] * n + k]);
                    }
                    self.buf.sort_by(f64::total_cmp);
                    let mut sk = 0.0;
                    for (i, &d) in self.buf.iter().enumerate() {
                        sk += (2.0 * i as f64 - (n as f64 - 1.0)) * d;
                    }
                    total += self.w[k] * 2.0 * sk;
                }
                total
            }
        };
        self.pm.clear();
        self.pm.resize(m * m, 0.0);
        for a in 0..m {
            for b in (a + 1)..m {
                let (da, db) = (&self.dt[a * n..(a + 1) * n], &self.dt[b * n..(b + 1) * n]);
                // v_k(a, b) = w_k (D_k(b) − D_k(a)) > 0: voter k prefers a.
                let (mut pos, mut neg) = (0.0, 0.0);
                for k in 0..n {
                    let v = self.w[k] * (db[k] - da[k]);
                    if v > 0.0 {
                        pos += v;
                    } else {
                        neg -= v;
                    }
                }
                let (pab, pba) = match norm {
                    ProbabilityNormaliser::Eq31Pairwise => {
                        let den = pos + neg;
                        if den > 0.0 {
                            (pos / den, neg / den)
                        } else {
                            (0.5, 0.5)
                        }
                    }
                    ProbabilityNormaliser::GlobalAllPairs => {
                        if global > 0.0 {
                            (pos / global, neg / global)
                        } else {
                            (0.0, 0.0)
                        }
                    }
                };
                self.pm[a * m + b] = pab;
                self.pm[b * m + a] = pba;
            }
        }
    }

    /// One round: fills `new_x` from `x`.
    fn step(&mut self, o: &BdmOptions, range: f64, mu: f64) {
        let eu = self.prepare(o, range, mu);
        self.decide(o, &eu);
    }

    /// Steps 1–10 of the procedure: pass 1 (r = 1, security levels, risk exponents) and the
    /// probabilities of pass 2. Returns the expected-utility evaluator of this round.
    fn prepare(&mut self, o: &BdmOptions, range: f64, mu: f64) -> Eu {
        let n = self.n;
        self.index_positions();
        let m = self.uniq.len();
        let eu = Eu::new(o, range, mu);

        // Pass 1: r = 1, security levels and risk exponents.
        self.fill_probabilities(range, false, o.probability_normaliser);
        // Resisting salience when j challenges i (for security levels): s_i or printed s_j.
        let s_res = |s: &[f64], i: usize, j: usize| match o.resist_salience_25b {
            ResistSalience::TargetSalience => s[i],
            ResistSalience::PrintedSj => s[j],
        };
        match o.risk_normalisation {
            RiskNormalisation::AcrossActors => {
                for i in 0..n {
                    let mut sec = 0.0;
                    for j in 0..n {
                        if self.x[j] != self.x[i] {
                            let p = self.pm[self.uidx[j] * m + self.uidx[i]];
                            sec += eu.eval(self.x[j], self.x[i], p, 1.0, s_res(&self.s, i, j));
                        }
                    }
                    self.sec[i] = sec;
                }
                let (lo, hi) = min_max(&self.sec);
                for i in 0..n {
                    self.r[i] = risk_exponent(self.sec[i], lo, hi);
                }
            }
            RiskNormalisation::AcrossOwnPositions => {
                for i in 0..n {
                    let (mut own, mut lo, mut hi) = (0.0, f64::INFINITY, f64::NEG_INFINITY);
                    for (q, &y) in self.uniq.iter().enumerate() {
                        let mut sec = 0.0;
                        for j in 0..n {
                            if j != i && self.x[j] != y {
                                let p = self.pm[self.uidx[j] * m + q];
                                sec += eu.eval(self.x[j], y, p, 1.0, s_res(&self.s, i, j));
                            }
                        }
                        if q == self.uidx[i] {
                            own = sec;
                        }
                        lo = lo.min(sec);
                        hi = hi.max(sec);
                    }
                    self.sec[i] = own;
                    self.r[i] = risk_exponent(own, lo, hi);
                }
            }
        }

        // Pass 2 probabilities: with r_i.
        if o.probability_risk == ProbabilityRisk::VoterRiskExponents {
            self.fill_probabilities(range, true, o.probability_normaliser);
        }
        eu
    }

    /// (a, b) = (E^i(U_ij), E^j(U_ji)) of pass 2 as seen from focal actor i's side of the pair.
    #[inline]
    fn pair_eus(&self, o: &BdmOptions, eu: &Eu, i: usize, j: usize) -> (f64, f64) {
        let m = self.uniq.len();
        let (xi, xj) = (self.x[i], self.x[j]);
        let (ui, uj) = (self.uidx[i], self.uidx[j]);
        // a = E^i(U_ij): i challenges j, j resists with s_j (eq. 25a).
        let a = eu.eval(xi, xj, self.pm[ui * m + uj], self.r[i], self.s[j]);
        // b = E^j(U_ji) (eq. 25b).
        let rb = match o.eu_risk_holder {
            EuRiskHolder::OwnPerspective => self.r[j],
            EuRiskHolder::MoverPerspective => self.r[i],
        };
        let sb = match o.resist_salience_25b {
            ResistSalience::TargetSalience => self.s[i],
            ResistSalience::PrintedSj => self.s[j],
        };
        let b = eu.eval(xj, xi, self.pm[uj * m + ui], rb, sb);
        (a, b)
    }

    /// Steps 11–12: every actor takes its best offer; fills `new_x`.
    fn decide(&mut self, o: &BdmOptions, eu: &Eu) {
        let n = self.n;
        for i in 0..n {
            let xi = self.x[i];
            // (primary key, secondary key, new position) of the best offer so far.
            let mut best: Option<(f64, f64, f64)> = None;
            for j in 0..n {
                let xj = self.x[j];
                if xj == xi {
                    continue;
                }
                let (a, b) = self.pair_eus(o, eu, i, j);
                let Some((class, to)) = classify(o, a, b, xi, xj) else {
                    continue;
                };
                let mv = (to - xi).abs();
                let rank = class as u8 as f64;
                let key = match (o.offer_priority, o.within_class_selection) {
                    (OfferPriority::LeastMoveOverall, _) => (mv, rank),
                    (_, WithinClassSelection::LeastMove) => (rank, mv),
                    (_, WithinClassSelection::HighestProposerEU) => (rank, -b),
                    (_, WithinClassSelection::MinWeightedPoint) => {
                        if class == Class::Compromise {
                            let (aa, bb) = (a.abs(), b.abs());
                            (rank, (aa * xi + bb * xj) / (aa + bb))
                        } else {
                            (rank, mv)
                        }
                    }
                };
                let low = o.tie_break == TieBreak::LowerPosition;
                if best
                    .is_none_or(|(p, s, t)| key.0 < p || (key.0 == p && (key.1 < s || (low && key.1 == s && to < t))))
                {
                    best = Some((key.0, key.1, to));
                }
            }
            self.new_x[i] = best.map_or(xi, |(_, _, to)| to);
        }
    }
}

/// The Fig. 6 octant of (a, b) = (E^i(U_ij), E^j(U_ji)) when it makes the focal actor i move:
/// the class and i's new position.
fn classify(o: &BdmOptions, a: f64, b: f64, xi: f64, xj: f64) -> Option<(Class, f64)> {
    if a > 0.0 && b > 0.0 && b > a {
        return match o.conflict_move {
            ConflictMove::FullMove => Some((Class::Conflict, xj)),
            ConflictMove::NoMove => None,
        };
    }
    // (loser's EU, winner's EU) in an "upper hand" region where i concedes.
    let (lose, win) = match o.sign_conditions {
        SignConditions::Figure6 if a < 0.0 && b > 0.0 => (a, b),
        SignConditions::PrintedText if a > 0.0 && b < 0.0 => (b, a),
        _ => return None,
    };
    if lose.abs() < win.abs() {
        // Eq. 36: i moves part way, by |E_loser / E_winner| of the distance.
        Some((Class::Compromise, xi + (xj - xi) * (lose / win).abs()))
    } else if o.capitulation_enabled {
        Some((Class::Capitulate, xj))
    } else {
        None
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| (l.min(x), h.max(x)))
}

/// r_i from the security level (eqs. 33–34); 1 when all security levels are equal (within a
/// relative 1e-12, so rounding noise cannot create risk attitudes).
fn risk_exponent(sec: f64, lo: f64, hi: f64) -> f64 {
    let scale = 1.0f64.max(lo.abs()).max(hi.abs());
    if hi - lo <= 1e-12 * scale {
        return 1.0;
    }
    let big_r = ((2.0 * sec - hi - lo) / (hi - lo)).clamp(-1.0, 1.0);
    (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
}

/// Expected utility of a challenge (eqs. 15–16, 22–25).
struct Eu {
    range: f64,
    mu: f64,
    q: f64,
    full_eq7: bool,
    t_rule: TRule,
}

impl Eu {
    fn new(o: &BdmOptions, range: f64, mu: f64) -> Self {
        Eu {
            range,
            mu,
            q: o.status_quo_q,
            full_eq7: o.no_challenge_terms == NoChallengeTerms::FullEq7 && o.status_quo_q < 1.0,
            t_rule: o.t_rule,
        }
    }

    /// E(challenger at `xa` challenges target at `xb`) with success probability `p`, risk
    /// exponent `r` and resisting salience `s_res`.
    #[inline]
    fn eval(&self, xa: f64, xb: f64, p: f64, r: f64, s_res: f64) -> f64 {
        let dab = ((xa - xb).abs() / self.range).min(1.0);
        let us = 2.0 - 4.0 * (0.5 - 0.5 * dab).max(0.0).powf(r);
        let uf = 2.0 - 4.0 * (0.5 + 0.5 * dab).powf(r);
        let usq = 2.0 - 4.0 * 0.5f64.powf(r);
        let mut e = s_res * (p * us + (1.0 - p) * uf) + (1.0 - s_res) * us - self.q * usq;
        if self.full_eq7 {
            let dam = ((xa - self.mu).abs() / self.range).min(1.0);
            let t = match self.t_rule {
                TRule::CloserToMedian => {
                    if dam < dab {
                        1.0
                    } else {
                        0.0
                    }
                }
                TRule::AlwaysOne => 1.0,
                TRule::AlwaysZero => 0.0,
            };
            let h = 0.25 * (dam + dab);
            let ub = 2.0 - 4.0 * (0.5 - h).max(0.0).powf(r);
            let uw = 2.0 - 4.0 * (0.5 + h).powf(r);
            e -= (1.0 - self.q) * (t * ub + (1.0 - t) * uw);
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Notes say the switches in words: a preset by name (whatever the rounds), else what
    /// differs from paper-literal; never the struct's Debug form.
    #[test]
    fn switches_in_words() {
        let mut o = BdmOptions::scholz_code();
        o.rounds = 3;
        assert_eq!(o.describe(), "preset scholz-code");
        let mut o = BdmOptions::paper_literal();
        o.conflict_move = ConflictMove::FullMove;
        o.within_class_selection = WithinClassSelection::HighestProposerEU;
        o.capitulation_enabled = false;
        assert_eq!(
            o.describe(),
            "custom switches (differing from preset paper-literal): conflict-move full-move, capitulation off, \
             within-class-selection highest-proposer-eu"
        );
    }

    /// Scholz Table 1 (reference §4.9) in table order.
    fn table1() -> IssueView {
        let rows = [
            (0.08, 4.0, 80.0),
            (0.08, 7.0, 40.0),
            (0.03, 4.0, 20.0),
            (0.16, 4.0, 80.0),
            (0.16, 10.0, 60.0),
            (0.16, 10.0, 60.0),
            (0.16, 10.0, 90.0),
            (0.05, 7.0, 10.0),
            (0.05, 4.0, 100.0),
            (0.08, 7.0, 70.0),
        ];
        IssueView {
            actor: (0..rows.len()).collect(),
            position: rows.iter().map(|r| r.1).collect(),
            salience: rows.iter().map(|r| r.2 / 100.0).collect(),
            capability: rows.iter().map(|r| r.0).collect(),
        }
    }

    #[test]
    fn round1_intermediate_values_of_reference_4_8() {
        let o = BdmOptions::scholz_code();
        let mut w = Work::new(&table1());
        let mu = w.median(o.median_rule);
        assert_eq!(mu, 7.0);
        let eu = w.prepare(&o, 6.0, mu);
        // (mover, other, e_ij, e_ji): Belgium–France, Luxembourg–Belgium, Ireland–Luxembourg.
        for (i, j, eij, eji) in [(1, 4, -0.114831, 0.243297), (2, 1, 0.245509, 0.542246), (7, 2, 0.538238, 0.682478)] {
            let (a, b) = w.pair_eus(&o, &eu, i, j);
            assert!((a - eij).abs() < 5e-7, "{i}-{j}: {a}");
            assert!((b - eji).abs() < 5e-7, "{i}-{j}: {b}");
        }
        w.decide(&o, &eu);
        assert!((w.new_x[1] - 8.415932).abs() < 5e-7);
        assert_eq!((w.new_x[2], w.new_x[7]), (7.0, 4.0));
    }

    #[test]
    fn global_normaliser_matches_brute_force() {
        let mut w = Work::new(&table1());
        w.r = (0..w.n).map(|i| 0.5 + 0.15 * i as f64).collect();
        w.index_positions();
        w.fill_probabilities(6.0, true, ProbabilityNormaliser::GlobalAllPairs);
        let n = w.n;
        let d = |k: usize, p: usize| ((w.x[k] - w.x[p]).abs() / 6.0).powf(w.r[k]);
        let mut total = 0.0;
        for k in 0..n {
            for p in 0..n {
                for q in 0..n {
                    total += (w.w[k] * (d(k, q) - d(k, p))).abs();
                }
            }
        }
        let (a, b) = (0, 1); // positions 4 and 7
        let num: f64 = (0..n).map(|k| (w.w[k] * (d(k, 1) - d(k, 0))).max(0.0)).sum();
        let m = w.uniq.len();
        assert!((w.pm[a * m + b] - num / total).abs() < 1e-15);
    }

    #[test]
    fn pairwise_probabilities_sum_to_one() {
        let mut w = Work::new(&table1());
        w.index_positions();
        w.fill_probabilities(6.0, false, ProbabilityNormaliser::Eq31Pairwise);
        let m = w.uniq.len();
        for a in 0..m {
            for b in 0..m {
                if a != b {
                    assert!((w.pm[a * m + b] + w.pm[b * m + a] - 1.0).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn risk_exponent_bounds_and_guard() {
        assert_eq!(risk_exponent(1.0, 1.0, 1.0), 1.0);
        assert_eq!(risk_exponent(1.0, 1.0, 1.0 + 1e-15), 1.0);
        assert!((risk_exponent(2.0, 0.0, 2.0) - 0.5).abs() < 1e-15);
        assert!((risk_exponent(0.0, 0.0, 2.0) - 2.0).abs() < 1e-15);
        assert_eq!(risk_exponent(1.0, 0.0, 2.0), 1.0);
    }

    #[test]
    fn octants_of_figure_6() {
        let o = BdmOptions { conflict_move: ConflictMove::FullMove, ..BdmOptions::paper_literal() };
        // Confrontation lost by i (FullMove); with the default NoMove it is no offer.
        assert_eq!(classify(&o, 0.1, 0.3, 0.0, 10.0), Some((Class::Conflict, 10.0)));
        assert_eq!(classify(&BdmOptions::paper_literal(), 0.1, 0.3, 0.0, 10.0), None);
        // Confrontation won by i, or stalemate: i does not move.
        assert_eq!(classify(&o, 0.3, 0.1, 0.0, 10.0), None);
        assert_eq!(classify(&o, -0.3, -0.1, 0.0, 10.0), None);
        // Compromise: i moves |a/b| of the way.
        assert_eq!(classify(&o, -0.1, 0.4, 0.0, 10.0), Some((Class::Compromise, 2.5)));
        // Capitulation, and the Scholz code's disabled capitulation.
        assert_eq!(classify(&o, -0.4, 0.1, 0.0, 10.0), Some((Class::Capitulate, 10.0)));
        let sc = BdmOptions::scholz_code();
        assert_eq!(classify(&sc, -0.4, 0.1, 0.0, 10.0), None);
        // The printed-text reading swaps the roles in the upper-hand regions.
        let pt = BdmOptions { sign_conditions: SignConditions::PrintedText, ..o };
        assert_eq!(classify(&pt, 0.4, -0.1, 0.0, 10.0), Some((Class::Compromise, 2.5)));
        assert_eq!(classify(&pt, -0.1, 0.4, 0.0, 10.0), None);
    }
}
