//! The forecast job: the one place where a forecast is defined.
//!
//! A [`ForecastJob`] says everything a forecast depends on: where the scenario comes from
//! ([`Source`]: a built-in name, a path, or text with a label), edits by dotted path, the
//! number of runs, the seed, the horizon, the shard (K of N) and the thread count.
//! [`ForecastJob::prepare`] validates the options, reads and edits the scenario and takes the
//! fingerprint over the text actually loaded; [`Prepared::run`] runs it with [`Hooks`] for
//! progress, cancellation and per-run rows and returns a [`Part`] (a shard) or a [`Forecast`]
//! (the summary and its aggregate). Every shell (the CLI, the page, Python) only translates
//! its input into a job and renders the result, so the same job gives the same bytes whoever
//! runs it, and a new entry point is a few dozen lines.
//!
//! It also says which parameters a single traced run uses ([`run_params`], [`run_trace`]):
//! each `[uncertainty]` parameter at its median, or run `i`'s draw and random stream, so
//! `truce run --seed S --sample I` is run I of `truce forecast --seed S`. A shell must never
//! run a single trace from the scenario's base values of sampled parameters.
//!
//! Invariants: the result depends only on (scenario text after edits, runs, seed, horizon):
//! never on the shell, the thread count, the chunk size or the sharding. Reading the named
//! scenario file ([`Source::Named`]) is the only I/O here; the job never writes anything and
//! never reads the clock. Threads: a job with a thread count runs on its own rayon pool of
//! that size; without one it runs on the caller's pool.

use crate::assimilate::{self, MeasureOptions, ObsStep};
use crate::ensemble::{
    fingerprint, run_forecast, ForecastAggregate, ForecastError, ForecastOptions, RowSink, CASUALTY_BINS, KM2_BINS,
    RANK_OUTCOMES, RANK_RUNS, TERM_BINS,
};
use crate::observation::{Observations, StartRule};
use crate::part::{self, Part};
use crate::summary::{summarise, Summary};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use truce_engine::builtin;
use truce_engine::edit::{build, EditError};
use truce_engine::load::{load_str, Loaded, ScenarioError};
use truce_engine::outcome::{WarEvent, WarState};
use truce_engine::params::Params;
use truce_engine::sim::Sim;
use truce_engine::trace::{Trace, TraceObserver};

/// The longest horizon in weeks, the bound `truce check` enforces on `scenario.horizon_weeks`.
pub use truce_engine::params::MAX_HORIZON_WEEKS;
/// The most worker threads a job may ask for (a guard against typos such as `--threads 80000`).
pub const MAX_THREADS: usize = 1024;
/// Runs per chunk by default: progress is reported and cancellation checked between chunks.
pub const DEFAULT_CHUNK: u64 = 16_384;
/// The label of a scenario rebuilt from merged part files.
pub const MERGED_LABEL: &str = "<merged scenario>";

/// Where a job's scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file path if such a file exists, else a built-in name: what a person types after
    /// `truce forecast` or passes to `truce.Scenario.load`.
    Named(String),
    /// A built-in scenario only (never a file: the page uses this, so that a request cannot
    /// read the server's files).
    Builtin(String),
    /// Scenario text; `label` names it in messages (a file name, `<dict>`, ...).
    Text {
        /// Names the text in messages.
        label: String,
        /// The TOML text.
        text: String,
    },
}

impl Source {
    /// The label that names the source in messages (`path`, `<built-in NAME>`) and its text.
    /// Reading the named file is the only I/O of this module.
    pub fn read(&self) -> Result<(String, String), JobError> {
        match self {
            Source::Named(name) => {
                let path = Path::new(name);
                if path.exists() {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| JobError::Unreadable(format!("{}: cannot read the file: {e}", path.display())))?;
                    return Ok((path.display().to_string(), text));
                }
                match builtin::builtin(name) {
                    Some(text) => Ok((builtin_label(name), text.to_string())),
                    None => Err(JobError::UnknownScenario(format!(
                        "unknown scenario `{name}`: no such file, and not a built-in scenario ({})",
                        builtin::names().join(", ")
                    ))),
                }
            }
            Source::Builtin(name) => match builtin::builtin(name) {
                Some(text) => Ok((builtin_label(name), text.to_string())),
                None => Err(JobError::UnknownScenario(format!(
                    "unknown built-in scenario `{name}`; the built-in scenarios are: {}",
                    builtin::names().join(", ")
                ))),
            },
            Source::Text { label, text } => Ok((label.clone(), text.clone())),
        }
    }

    /// Reads and loads the scenario, applies `edits` (dotted path → value, validated by the
    /// engine exactly as `truce check` validates a file) and loads the result again.
    pub fn load_edited(&self, edits: &BTreeMap<String, f64>) -> Result<LoadedSource, JobError> {
        let (label, text) = self.read()?;
        let (loaded, text) = build(&label, &text, edits).map_err(|e| match e {
            EditError::Scenario(e) => JobError::Scenario(e),
            EditError::Edit(e) => JobError::Edit(e),
        })?;
        Ok(LoadedSource { label, text, loaded })
    }

    /// Reads and loads the scenario as it is (`truce run`, `truce check`).
    pub fn load(&self) -> Result<LoadedSource, JobError> {
        self.load_edited(&BTreeMap::new())
    }
}

fn builtin_label(name: &str) -> String {
    format!("<built-in {name}>")
}

/// A scenario read from its source, edited and loaded.
#[derive(Debug, Clone)]
pub struct LoadedSource {
    /// Names the source in messages and reports (`path`, `<built-in NAME>`, an upload's name).
    pub label: String,
    /// The text actually loaded: the source's text, or the edited scenario's TOML.
    pub text: String,
    /// The validated, compiled scenario.
    pub loaded: Loaded,
}

/// Shard `k` of `n` (1-based): a contiguous range of the runs ([`part::shard_range`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 1 ≤ k ≤ n.
    pub k: u64,
    /// How many shards.
    pub n: u64,
}

impl Shard {
    /// Parses `K/N` (e.g. `2/8`); the range is checked by [`ForecastJob::validate`].
    pub fn parse(s: &str) -> Result<Shard, JobError> {
        let bad = || JobError::Invalid {
            option: JobOption::Shard,
            problem: format!("`{s}`: expected K/N with 1 ≤ K ≤ N, e.g. 2/8"),
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        Ok(Shard { k: k.trim().parse().map_err(|_| bad())?, n: n.trim().parse().map_err(|_| bad())? })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// The options of a job, to name them in errors ([`JobError::describe`] lets each shell use
/// its own spelling: `--horizon` in the CLI, `horizon` in Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOption {
    /// The number of runs.
    Runs,
    /// The horizon in weeks.
    Horizon,
    /// The shard K/N.
    Shard,
    /// The number of worker threads.
    Threads,
    /// Runs per chunk.
    Chunk,
}

impl JobOption {
    /// The option's plain name (`runs`, `horizon`, ...).
    pub fn name(self) -> &'static str {
        match self {
            JobOption::Runs => "runs",
            JobOption::Horizon => "horizon",
            JobOption::Shard => "shard",
            JobOption::Threads => "threads",
            JobOption::Chunk => "chunk",
        }
    }
}

/// Why a job could not be prepared or run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JobError {
    /// An option out of range; the message reads after the option's name.
    #[error("{} {problem}", option.name())]
    Invalid {
        /// Which option.
        option: JobOption,
        /// What is wrong, e.g. `must be at least 1`.
        problem: String,
    },
    /// No such file and no such built-in scenario.
    #[error("{0}")]
    UnknownScenario(String),
    /// The scenario file exists but cannot be read.
    #[error("{0}")]
    Unreadable(String),
    /// The scenario does not parse or validate (the message of `truce check`).
    #[error("{0}")]
    Scenario(ScenarioError),
    /// An edit is invalid (unknown path, not a finite number, ...).
    #[error("{0}")]
    Edit(String),
    /// The worker threads could not start.
    #[error("cannot start the worker threads: {0}")]
    Threads(String),
    /// The ensemble failed (a row sink failed to write, ...).
    #[error(transparent)]
    Forecast(#[from] ForecastError),
    /// A shard was cancelled: a part must hold all of its runs, so none was made.
    #[error("stopped after {done} of the shard's {runs} runs: no part was made")]
    Cancelled {
        /// Runs that finished.
        done: u64,
        /// Runs of the shard.
        runs: u64,
    },
    /// Part files that do not decode or do not make one whole forecast.
    #[error("{0}")]
    Parts(String),
    /// The job would hold more memory or do more work than [`MAX_JOB_BYTES`] or
    /// [`MAX_RUN_WEEKS`] allow; the message names the options that would bring it within.
    #[error("{}", .0.describe(JobOption::name))]
    TooLarge(Box<Budget>),
}

impl JobError {
    /// The message with options named as a shell names them (`name(JobOption::Runs)` might be
    /// `-n/--runs` or `n`).
    pub fn describe(&self, name: impl Fn(JobOption) -> &'static str) -> String {
        match self {
            JobError::Invalid { option, problem } => format!("{} {problem}", name(*option)),
            JobError::TooLarge(b) => b.describe(name),
            e => e.to_string(),
        }
    }

    /// Whether the error is about the scenario (finding, reading, parsing or editing it)
    /// rather than about the job's options or its run.
    pub fn is_scenario_error(&self) -> bool {
        matches!(
            self,
            JobError::UnknownScenario(_)
                | JobError::Unreadable(_)
                | JobError::Scenario(_)
                | JobError::Edit(_)
                | JobError::Forecast(ForecastError::Aggregate(_))
                | JobError::Forecast(ForecastError::Selection(_))
        )
    }
}

fn invalid(option: JobOption, problem: String) -> JobError {
    JobError::Invalid { option, problem }
}

/// A forecast: everything its result depends on, and how to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastJob {
    /// Where the scenario comes from.
    pub source: Source,
    /// Edits by dotted path (`actors.russia.resolve` → 0.8), applied before anything else.
    pub edits: BTreeMap<String, f64>,
    /// Runs of the whole forecast (all shards together), at least 1.
    pub runs: u64,
    /// The seed: run `i` draws everything from (seed, i).
    pub seed: u64,
    /// The horizon in weeks (1–5200); `None` keeps the scenario's.
    pub horizon: Option<u32>,
    /// Only this shard of the runs (the result is then a [`Part`]); `None`: all runs.
    pub shard: Option<Shard>,
    /// Worker threads (1–[`MAX_THREADS`]) of a pool of the job's own; `None`: the caller's
    /// rayon pool (all cores by default). Never changes the result.
    pub threads: Option<usize>,
    /// Runs per chunk: how often progress is reported and cancellation checked. Never changes
    /// the result.
    pub chunk: u64,
    /// Observations to condition the forecast on (`crate::assimilate`): the runs become a
    /// particle filter's particles and the forecast starts the week after the last observed
    /// week. `None`: the unconditioned forecast. Validated against the scenario by the shell
    /// that read them (`observation::validate`).
    pub observations: Option<Observations>,
}

impl ForecastJob {
    /// A job of `runs` runs with `seed` on `source`: no edits, the scenario's horizon, all
    /// runs, the caller's threads, [`DEFAULT_CHUNK`].
    pub fn new(source: Source, runs: u64, seed: u64) -> Self {
        ForecastJob {
            source,
            edits: BTreeMap::new(),
            runs,
            seed,
            horizon: None,
            shard: None,
            threads: None,
            chunk: DEFAULT_CHUNK,
            observations: None,
        }
    }

    /// What the job's observations are validated against ([`crate::observation::validate`]):
    /// the scenario's side ids, first side first, and casualties counted from its start (the
    /// edited scenario's; a shell reads the file, then calls `validate` with these).
    pub fn observation_frame(&self) -> Result<(Vec<String>, StartRule), JobError> {
        let l = self.source.load_edited(&self.edits)?.loaded;
        let sides = l.params.sides.iter().map(|s| s.id.clone()).collect();
        Ok((sides, StartRule::CasualtiesFrom(l.params.start)))
    }

    /// Checks the options (not the scenario): runs ≥ 1; 1 ≤ K ≤ N ≤ runs; horizon 1–5200
    /// weeks; threads 1–[`MAX_THREADS`]; chunk ≥ 1.
    pub fn validate(&self) -> Result<(), JobError> {
        if self.runs == 0 {
            return Err(invalid(JobOption::Runs, "must be at least 1".into()));
        }
        if let Some(s) = self.shard {
            if s.k == 0 || s.n == 0 || s.k > s.n {
                return Err(invalid(JobOption::Shard, format!("`{s}`: expected K/N with 1 ≤ K ≤ N, e.g. 2/8")));
            }
            if s.n > self.runs {
                return Err(invalid(
                    JobOption::Shard,
                    format!("`{s}`: {} shards for {} runs; use at most as many shards as runs", s.n, self.runs),
                ));
            }
        }
        if let Some(h) = self.horizon {
            if h == 0 || h > MAX_HORIZON_WEEKS {
                return Err(invalid(
                    JobOption::Horizon,
                    format!("must be at least 1 week and at most {MAX_HORIZON_WEEKS} weeks, not {h}"),
                ));
            }
        }
        if let Some(t) = self.threads {
            if t == 0 || t > MAX_THREADS {
                return Err(invalid(
                    JobOption::Threads,
                    format!("must be at least 1 and at most {MAX_THREADS}, not {t}"),
                ));
            }
        }
        if self.chunk == 0 {
            return Err(invalid(JobOption::Chunk, "must be at least 1 run".into()));
        }
        if let (Some(s), Some(_)) = (self.shard, &self.observations) {
            return Err(invalid(
                JobOption::Shard,
                format!(
                    "`{s}` cannot be combined with observations: a filtered forecast resamples all of its runs \
                     together at every observation, so no shard can run apart from the others; run it in one process \
                     (its threads still spread the work)"
                ),
            ));
        }
        Ok(())
    }

    /// Validates the options, reads and edits the scenario, applies the horizon and takes
    /// the fingerprint (over the text actually loaded, the seed and the horizon).
    pub fn prepare(&self) -> Result<Prepared, JobError> {
        self.validate()?;
        let mut scenario = self.source.load_edited(&self.edits)?;
        if let Some(h) = self.horizon {
            set_horizon(&mut scenario.loaded, h);
        }
        let horizon = scenario.loaded.params.horizon;
        let (first_run, len) = match self.shard {
            Some(s) => part::shard_range(s.k, s.n, self.runs),
            None => (0, self.runs),
        };
        let mut fp = fingerprint(&scenario.text, self.seed, horizon);
        let filter = match &self.observations {
            Some(obs) => {
                let (steps, before) = assimilate::observation_steps(&scenario.loaded.params, obs)?;
                let measure = MeasureOptions::default();
                fp = assimilate::fingerprint(&fp, &steps, &measure);
                Some(FilterSetup { steps, before, measure })
            }
            None => None,
        };
        let prepared = Prepared {
            fingerprint: fp,
            filter,
            scenario,
            seed: self.seed,
            total_runs: self.runs,
            shard: self.shard,
            first_run,
            len,
            threads: self.threads,
            chunk: self.chunk,
        };
        // Without rows (a shell that asks for them is checked again when it runs).
        prepared.admit(prepared.threads.unwrap_or_else(rayon::current_num_threads), false)?;
        Ok(prepared)
    }
}

/// Sets the horizon of a loaded scenario: the compiled parameters and, so that renderings
/// read one value, the scenario's `horizon_weeks`.
fn set_horizon(l: &mut Loaded, weeks: u32) {
    l.params.horizon = weeks;
    l.scenario.scenario.horizon_weeks = weeks;
}

/// What a running job reports to and hears from its shell.
pub struct Hooks<'a> {
    /// Called after each chunk with the number of this job's runs done.
    pub progress: &'a (dyn Fn(u64) + Sync),
    /// Checked between chunks: once set, the job stops after the current chunk.
    pub cancel: &'a AtomicBool,
    /// Receives one row per run, in run order.
    pub rows: Option<&'a mut (dyn RowSink + Send)>,
}

static NEVER: AtomicBool = AtomicBool::new(false);

fn ignore_progress(_: u64) {}

impl Hooks<'static> {
    /// No progress, no cancellation, no rows.
    pub fn none() -> Self {
        Hooks { progress: &ignore_progress, cancel: &NEVER, rows: None }
    }
}

/// A validated job with its scenario loaded, ready to run (any number of times, with the
/// same result).
#[derive(Debug, Clone)]
pub struct Prepared {
    scenario: LoadedSource,
    /// The observation steps of a filtered forecast.
    filter: Option<FilterSetup>,
    fingerprint: String,
    seed: u64,
    total_runs: u64,
    shard: Option<Shard>,
    first_run: u64,
    len: u64,
    threads: Option<usize>,
    chunk: u64,
}

/// What a filtered forecast assimilates, and how.
#[derive(Debug, Clone)]
struct FilterSetup {
    steps: Vec<ObsStep>,
    before: usize,
    measure: MeasureOptions,
}

/// A whole forecast's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// What a person reads (`summary.interrupted` if the job was cancelled: it then covers
    /// the runs that finished).
    pub summary: Summary,
    /// The exactly mergeable aggregate behind it.
    pub aggregate: ForecastAggregate,
}

/// What a job produces: a shard's part, or a whole forecast.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutput {
    /// The job had no shard: the whole forecast.
    Forecast(Box<Forecast>),
    /// The job's shard, to encode into a part file and merge with the others.
    Part(Box<Part>),
}

impl Prepared {
    /// The scenario as loaded (edits and horizon applied), for rendering.
    pub fn loaded(&self) -> &Loaded {
        &self.scenario.loaded
    }

    /// The scenario text the job runs (after edits): what a part file carries.
    pub fn text(&self) -> &str {
        &self.scenario.text
    }

    /// The label of the scenario's source (`path`, `<built-in NAME>`, an upload's name).
    pub fn label(&self) -> &str {
        &self.scenario.label
    }

    /// The fingerprint: equal for jobs whose shards may be merged.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The horizon in weeks (the job's, or the scenario's).
    pub fn horizon(&self) -> u32 {
        self.scenario.loaded.params.horizon
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The runs this job computes: `(first run index, count)` (a shard's range, or all).
    pub fn run_range(&self) -> (u64, u64) {
        (self.first_run, self.len)
    }

    /// One traced run of the scenario on the job's seed with each sampled parameter at its
    /// median ([`RunParams::Median`]): what `truce run --format json` prints.
    pub fn trace(&self) -> Trace {
        let l = &self.scenario.loaded;
        traced(l, self.seed, RunParams::Median, median_params(l))
    }

    /// Runs the job: on a pool of `threads` threads if the job set them, else on the
    /// caller's rayon pool. A whole forecast that is cancelled returns the runs that
    /// finished (`summary.interrupted`); a cancelled shard is an error
    /// ([`JobError::Cancelled`]), since a part must be whole.
    pub fn run(&self, hooks: Hooks<'_>) -> Result<JobOutput, JobError> {
        let l = &self.scenario.loaded;
        if let Some(f) = &self.filter {
            return self.run_filtered(f, hooks);
        }
        let opts = ForecastOptions { seed: self.seed, first_run: self.first_run, runs: self.len, chunk: self.chunk };
        let Hooks { progress, cancel, rows } = hooks;
        // Before any thread or aggregate exists.
        self.admit(self.threads.unwrap_or_else(rayon::current_num_threads), rows.is_some())?;
        let go =
            move || run_forecast(l, &self.fingerprint, &opts, progress, cancel, rows.map(|r| r as &mut dyn RowSink));
        let run = on_threads(self.threads, go)??;
        let start = l.params.start;
        match self.shard {
            Some(s) => {
                if run.interrupted {
                    return Err(JobError::Cancelled { done: run.aggregate.runs, runs: self.len });
                }
                Ok(JobOutput::Part(Box::new(Part {
                    shard: s.k,
                    shards: s.n,
                    total_runs: self.total_runs,
                    first_run: self.first_run,
                    runs: self.len,
                    start,
                    scenario_text: self.scenario.text.clone(),
                    aggregate: run.aggregate,
                })))
            }
            None => {
                let mut summary = summarise(&run.aggregate, start, run.interrupted);
                summary.selection = run.selection;
                Ok(JobOutput::Forecast(Box::new(Forecast { summary, aggregate: run.aggregate })))
            }
        }
    }
}

/// Runs `go` on a pool of its own with `threads` workers, or on the global pool when `None`
/// (results never depend on it: every random stream is keyed by run or particle slot).
fn on_threads<T: Send>(threads: Option<usize>, go: impl FnOnce() -> T + Send) -> Result<T, JobError> {
    match threads {
        Some(n) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| JobError::Threads(e.to_string()))?
            .install(go)),
        None => Ok(go()),
    }
}

impl Prepared {
    /// Runs a filtered forecast (the job had observations): the particle filter through the
    /// observations, then every particle on to the horizon; the summary starts the week after
    /// the last observed week and carries the filter's ESS and log-likelihood. Per-run rows
    /// are not written (a particle is not a run of the scenario from its start), and
    /// cancellation is not checked (the filter's steps couple all particles).
    fn run_filtered(&self, f: &FilterSetup, hooks: Hooks<'_>) -> Result<JobOutput, JobError> {
        if hooks.rows.is_some() {
            return Err(JobError::Forecast(ForecastError::Observations(
                "per-run rows are not written for a forecast conditioned on observations: its runs are particles \
                 resampled along the way, not runs of the scenario from its start"
                    .into(),
            )));
        }
        // Before any particle exists.
        self.admit(self.threads.unwrap_or_else(rayon::current_num_threads), false)?;
        let l = &self.scenario.loaded;
        let go =
            || assimilate::filtered_forecast(l, &self.fingerprint, &f.steps, f.before, self.len, self.seed, &f.measure);
        let out = on_threads(self.threads, go)??;
        (hooks.progress)(self.len);
        let mut summary = summarise(&out.aggregate, out.start, false);
        summary.filter = Some(out.filtering);
        summary.selection = out.selection;
        Ok(JobOutput::Forecast(Box::new(Forecast { summary, aggregate: out.aggregate })))
    }

    /// Whether the job is conditioned on observations.
    pub fn is_filtered(&self) -> bool {
        self.filter.is_some()
    }
}

/// Part files merged into the single-process forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The summary: byte for byte the one-pass forecast's.
    pub summary: Summary,
    /// The merged part (all runs as one shard), with the scenario text.
    pub part: Part,
}

impl Merged {
    /// The scenario the parts ran, loaded again with their horizon (for rendering).
    pub fn loaded(&self) -> Result<Loaded, JobError> {
        let mut l = load_str(MERGED_LABEL, &self.part.scenario_text).map_err(JobError::Scenario)?;
        set_horizon(&mut l, self.part.aggregate.horizon);
        Ok(l)
    }
}

/// Decodes part files given as `(name, bytes)` (names label errors) and merges them. Every
/// shard 1…N of one forecast must be present exactly once; order does not matter.
pub fn merge(files: &[(String, Vec<u8>)]) -> Result<Merged, JobError> {
    let mut parts = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        parts.push((name.clone(), part::decode(name, bytes).map_err(JobError::Parts)?));
    }
    let (part, summary) = part::merge_parts(&parts).map_err(JobError::Parts)?;
    Ok(Merged { summary, part })
}

/// Which values a single traced run gives the parameters of the `[uncertainty]` table. The
/// scenario's base value of a sampled parameter is never used: a run and a forecast describe
/// the same scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunParams {
    /// Each sampled parameter at the median of its distribution (its quantile at ½; for a
    /// `choice`, the value whose cumulative weight first exceeds ½), on run index 0: what
    /// `truce run` does by default.
    Median,
    /// Run `i` of the forecast with the same seed: its parameters drawn exactly as the
    /// forecast draws them (from the pool selected by survival when the scenario's war began
    /// before its start, `crate::selection`) and its simulation on stream `i` (`truce run
    /// --sample I`).
    Sample(u64),
}

impl RunParams {
    /// The run index the simulation's random stream uses.
    pub fn run_index(self) -> u64 {
        match self {
            RunParams::Median => 0,
            RunParams::Sample(i) => i,
        }
    }
}

/// The parameters a single run of `l` under `seed` uses ([`RunParams`]): the scenario's
/// compiled parameters with every `[uncertainty]` path set to its median or to run `i`'s
/// draw. This is the one place that says which parameters a run uses; the forecast's own
/// draws (`ensemble`) use the same keys and streams ([`crate::selection::draw_params`]).
/// A sample of a scenario whose war began before its start computes the selection's pilot
/// runs first; if the selection is refused (too few draws produce a war of that age), the
/// sample is refused with the same error the forecast gives: run `i` of a forecast that
/// cannot be made does not exist. The median run needs no selection and never fails.
pub fn run_params(l: &Loaded, seed: u64, which: RunParams) -> Result<Params, ForecastError> {
    match which {
        RunParams::Median => Ok(median_params(l)),
        RunParams::Sample(i) => {
            let mut p = l.params.clone();
            let mut buf = vec![0.0; l.uncertainty.len()];
            let selection = crate::selection::select(l, seed)?;
            crate::selection::draw_params(l, selection.as_ref(), seed, i, &mut buf, &mut p);
            Ok(p)
        }
    }
}

/// The scenario's compiled parameters with every `[uncertainty]` path at its distribution's
/// median ([`RunParams::Median`]).
fn median_params(l: &Loaded) -> Params {
    let mut p = l.params.clone();
    for (r, spec) in l.uncertainty.refs.iter().zip(l.uncertainty.set.specs()) {
        p.set(*r, spec.dist.quantile(0.5));
    }
    p
}

/// One traced run of `l` under `seed` with the parameters [`run_params`] chooses; the trace
/// records the values of the sampled parameters (`parameters`) and the sample index. Fails
/// only where [`run_params`] does (a sample whose selection by survival is refused).
pub fn run_trace(l: &Loaded, seed: u64, which: RunParams) -> Result<Trace, ForecastError> {
    Ok(traced(l, seed, which, run_params(l, seed, which)?))
}

/// The traced run of `l` with parameters `p` (those [`run_params`] gave for `which`).
fn traced(l: &Loaded, seed: u64, which: RunParams, p: Params) -> Trace {
    let mut sim = Sim::new(&p);
    let mut obs = TraceObserver::new(&p, seed);
    let s = sim.run(seed, which.run_index(), &mut obs);
    let mut t = obs.finish(&s, sim.terms());
    t.sample = match which {
        RunParams::Median => None,
        RunParams::Sample(i) => Some(i),
    };
    t.parameters = l.uncertainty.paths.iter().zip(&l.uncertainty.refs).map(|(k, r)| (k.clone(), p.get(*r))).collect();
    t
}

/// How `truce check` reports a sampled parameter: runs take the median, forecasts draw from
/// the distribution, and the base value (which compile requires inside the support) is the
/// scenario's reference point only.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledParam {
    /// The `[uncertainty]` path.
    pub path: String,
    /// The scenario's base value (on the scenario's scale).
    pub base: f64,
    /// The distribution's median: the value `truce run` uses.
    pub median: f64,
    /// The distribution's support in interval notation (`[0.06, 0.16]`).
    pub support: String,
}

/// Every sampled parameter of `l` with its base value, median and support, in the order of
/// the `[uncertainty]` table.
pub fn sampled_params(l: &Loaded) -> Vec<SampledParam> {
    let set = l.uncertainty.set.specs();
    // The medians as a run stores them (whole-week parameters rounded).
    let medians = median_params(l);
    l.uncertainty
        .paths
        .iter()
        .zip(&l.uncertainty.refs)
        .zip(set)
        .map(|((path, r), spec)| SampledParam {
            path: path.clone(),
            base: l.params.get(*r),
            median: medians.get(*r),
            support: spec.dist.support().notation(),
        })
        .collect()
}

// ---- Bounded work and memory: what a job may plan, checked before it starts.

/// The most memory a job may plan to hold, in bytes (4 GiB): the aggregates alive at once
/// (each rayon task of a chunk folds into its own, plus the total and its copy while
/// merging), the rank sample and a chunk's per-run rows.
pub const MAX_JOB_BYTES: u64 = 4 << 30;
/// The most work one job (one process, one shard) may plan, in run-weeks (runs × horizon):
/// 10¹¹, e.g. 2 × 10⁷ runs of 5,000 weeks, days of one core. A larger forecast is sharded
/// (`--shard K/N`), each shard within the limit.
pub const MAX_RUN_WEEKS: u64 = 100_000_000_000;

/// A job's estimated peak memory and work, computed before it starts from the scenario's
/// sizes and the options (see [`Prepared::budget`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Runs this job computes (a shard's, or all).
    pub runs: u64,
    /// The horizon in weeks.
    pub horizon: u32,
    /// Worker threads the job runs on.
    pub threads: usize,
    /// Aggregates alive at once: a chunk's tasks (4 per thread, at most one per run of a
    /// chunk) plus the total and its copy while merging.
    pub aggregates: u64,
    /// Bytes of one aggregate (weekly km² histograms, incidence, terms, casualties).
    pub aggregate_bytes: u64,
    /// Bytes of the rank sample (the first runs' sampled parameters and outcomes), counted
    /// three times: spread over the tasks, in the total and in its copy.
    pub rank_bytes: u64,
    /// Bytes of one chunk's per-run rows (0 without rows).
    pub rows_bytes: u64,
    /// Bytes of a filtered forecast's particles (0 without observations): every particle's
    /// run and parameters, twice (the ensemble and its resampled copy).
    pub particle_bytes: u64,
}

impl Budget {
    /// The estimated peak bytes.
    pub fn bytes(&self) -> u64 {
        self.aggregates
            .saturating_mul(self.aggregate_bytes)
            .saturating_add(self.rank_bytes)
            .saturating_add(self.rows_bytes)
            .saturating_add(self.particle_bytes)
    }

    /// The work in run-weeks (runs × horizon).
    pub fn run_weeks(&self) -> u64 {
        self.runs.saturating_mul(u64::from(self.horizon))
    }

    /// Why the job is refused, with options named as a shell names them; empty if it fits.
    pub fn describe(&self, name: impl Fn(JobOption) -> &'static str) -> String {
        let mut why = Vec::new();
        if self.run_weeks() > MAX_RUN_WEEKS {
            why.push(format!(
                "{} runs × {} weeks is {:.3e} run-weeks of work, above the limit of {:.0e} for one job: use fewer \
                 runs ({}), a shorter {}, or split the forecast into shards ({}: each shard is one job)",
                self.runs,
                self.horizon,
                self.run_weeks() as f64,
                MAX_RUN_WEEKS as f64,
                name(JobOption::Runs),
                name(JobOption::Horizon),
                name(JobOption::Shard),
            ));
        }
        if self.bytes() > MAX_JOB_BYTES {
            let fixed = self.rank_bytes.saturating_add(self.rows_bytes).saturating_add(self.particle_bytes);
            // Threads that would fit: 4 aggregates each, plus the total and its copy.
            let fit = MAX_JOB_BYTES.saturating_sub(fixed) / self.aggregate_bytes.max(1);
            let threads_fit = fit.saturating_sub(2) / 4;
            let advice = if threads_fit >= 1 && (threads_fit as usize) < self.threads {
                format!(
                    "use fewer threads ({} {threads_fit} fits), a shorter {}",
                    name(JobOption::Threads),
                    name(JobOption::Horizon)
                )
            } else {
                format!("use a shorter {} or fewer threads ({})", name(JobOption::Horizon), name(JobOption::Threads))
            };
            why.push(format!(
                "this forecast would hold about {} ({} aggregates of {} each for a {}-week horizon on {} threads, \
                 a rank sample of {}{}{}), above the limit of {} for one job: {advice}{}",
                bytes(self.bytes()),
                self.aggregates,
                bytes(self.aggregate_bytes),
                self.horizon,
                self.threads,
                bytes(self.rank_bytes),
                if self.rows_bytes > 0 {
                    format!(", per-run rows of {}", bytes(self.rows_bytes))
                } else {
                    String::new()
                },
                if self.particle_bytes > 0 {
                    format!(
                        ", {} particles of the filter, twice, {} in all: use fewer runs ({})",
                        self.runs,
                        bytes(self.particle_bytes),
                        name(JobOption::Runs)
                    )
                } else {
                    String::new()
                },
                bytes(MAX_JOB_BYTES),
                if self.rows_bytes > 0 || self.rank_bytes > MAX_JOB_BYTES / 4 {
                    ", or a scenario with fewer uncertain parameters and issues"
                } else {
                    ""
                },
            ));
        }
        why.join("; and ")
    }
}

/// Bytes for people: `3.2 GiB`, `81.6 MiB`, `12 KiB`.
fn bytes(b: u64) -> String {
    let b = b as f64;
    if b >= (1u64 << 30) as f64 {
        format!("{:.1} GiB", b / (1u64 << 30) as f64)
    } else if b >= (1u64 << 20) as f64 {
        format!("{:.1} MiB", b / (1u64 << 20) as f64)
    } else {
        format!("{:.0} KiB", (b / 1024.0).ceil())
    }
}

impl Prepared {
    /// Estimates the job's peak memory and its work on `threads` worker threads, with or
    /// without per-run rows. The aggregate's size follows its layout in
    /// [`ForecastAggregate`].
    pub fn budget(&self, threads: usize, rows: bool) -> Budget {
        let p = &self.scenario.loaded.params;
        let h = u64::from(p.horizon);
        let (issues, sides) = (p.n_issues() as u64, p.sides.len() as u64);
        let params = self.scenario.loaded.uncertainty.len() as u64;
        let slots = |bins: usize| bins as u64 + 2;
        // A weekly histogram: u32 counts per slot, plus per week a NaN count (8), a
        // fixed-point sum (16) and the least and greatest value (16 each).
        let weekly = |weeks: u64, bins: usize| weeks * (slots(bins) * 4 + 56);
        let months = h / 4 + 1;
        // Weekly line, its change since the start, the monthly change, cumulative casualties
        // per side; events by date and states at date (u64 per kind and week), at-war and
        // range-open counts; term histograms (u64 counts, one per issue).
        let aggregate_bytes = weekly(h, KM2_BINS) * 2
            + weekly(months, KM2_BINS)
            + sides * weekly(h, CASUALTY_BINS)
            + h * (WarEvent::COUNT + WarState::COUNT) as u64 * 8
            + h * 16
            + issues * slots(TERM_BINS) * 8;
        let ranked = RANK_RUNS.saturating_sub(self.first_run).min(self.len);
        // Each kept run: its values, the vector's header and its share of the map's nodes.
        let rank_row = (params + RANK_OUTCOMES.len() as u64) * 8 + 64;
        let chunk = self.chunk.min(self.len).max(1);
        let tasks = (4 * threads as u64).min(chunk).max(1);
        Budget {
            runs: self.len,
            horizon: p.horizon,
            threads,
            aggregates: tasks + 2,
            aggregate_bytes,
            rank_bytes: ranked * rank_row * 3,
            rows_bytes: if rows { chunk * ((issues + params) * 8 + 128) } else { 0 },
            particle_bytes: match &self.filter {
                Some(_) => self.len.saturating_mul(assimilate::particle_bytes(&self.scenario.loaded)).saturating_mul(2),
                None => 0,
            },
        }
    }

    /// Refuses a job whose [`Prepared::budget`] exceeds [`MAX_JOB_BYTES`] or
    /// [`MAX_RUN_WEEKS`], before any thread starts or any aggregate is allocated.
    pub fn admit(&self, threads: usize, rows: bool) -> Result<Budget, JobError> {
        let b = self.budget(threads, rows);
        if b.bytes() > MAX_JOB_BYTES || b.run_weeks() > MAX_RUN_WEEKS {
            return Err(JobError::TooLarge(Box::new(b)));
        }
        Ok(b)
    }
}
