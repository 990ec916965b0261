//! How a run ends: the one list of outcome kinds.
//!
//! Every place that reports outcomes (the forecast aggregate and summary, the CLI table, the
//! charts and reports, the Python package) iterates [`OutcomeKind::ALL`] and names a kind with
//! [`OutcomeKind::name`] (its JSON name) or [`OutcomeKind::label`] (its name for people), so a
//! new kind is added here and nowhere else. This module only names things: no model logic.

use serde::Serialize;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// A final-status agreement accepted by every veto player.
    Settlement,
    /// A ceasefire at the line that held to the horizon.
    Ceasefire,
    /// The first side collapsed.
    CollapseFirst,
    /// The second side collapsed.
    CollapseSecond,
    /// Fighting fell below the activity floor without agreement.
    LowActivity,
    /// The horizon was reached at war: "neither war nor peace".
    Stalemate,
}

impl OutcomeKind {
    /// All kinds, in reporting order (the order of tables and stacked charts).
    pub const ALL: [OutcomeKind; 6] = [
        OutcomeKind::Settlement,
        OutcomeKind::Ceasefire,
        OutcomeKind::CollapseFirst,
        OutcomeKind::CollapseSecond,
        OutcomeKind::LowActivity,
        OutcomeKind::Stalemate,
    ];

    /// The number of kinds (the length of per-kind arrays such as an incidence table's).
    pub const COUNT: usize = Self::ALL.len();

    /// Position in [`OutcomeKind::ALL`] (the index of per-kind arrays).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name, as in JSON (`collapse_first`).
    pub fn name(self) -> &'static str {
        match self {
            OutcomeKind::Settlement => "settlement",
            OutcomeKind::Ceasefire => "ceasefire",
            OutcomeKind::CollapseFirst => "collapse_first",
            OutcomeKind::CollapseSecond => "collapse_second",
            OutcomeKind::LowActivity => "low_activity",
            OutcomeKind::Stalemate => "stalemate",
        }
    }

    /// The kind with JSON name `name`, if any.
    pub fn from_name(name: &str) -> Option<OutcomeKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The label a person reads: "still at war" for the stalemate, and the side's name for a
    /// collapse (`sides` are the two fighting sides' names; a missing one reads "side 1" or
    /// "side 2").
    pub fn label<S: AsRef<str>>(self, sides: &[S]) -> String {
        let side = |i: usize| sides.get(i).map_or_else(|| format!("side {}", i + 1), |s| s.as_ref().to_string());
        match self {
            OutcomeKind::Settlement => "settlement".into(),
            OutcomeKind::Ceasefire => "ceasefire".into(),
            OutcomeKind::CollapseFirst => format!("collapse of {}", side(0)),
            OutcomeKind::CollapseSecond => format!("collapse of {}", side(1)),
            OutcomeKind::LowActivity => "low activity".into(),
            OutcomeKind::Stalemate => "still at war".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_json_names_and_indices_the_positions() {
        for (i, k) in OutcomeKind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.name()));
            assert_eq!(OutcomeKind::from_name(k.name()), Some(k));
        }
        assert_eq!(OutcomeKind::from_name("ongoing"), None);
    }

    #[test]
    fn labels_name_the_sides() {
        let sides = ["Russia", "Ukraine"];
        assert_eq!(OutcomeKind::CollapseSecond.label(&sides), "collapse of Ukraine");
        assert_eq!(OutcomeKind::Stalemate.label(&sides), "still at war");
        assert_eq!(OutcomeKind::CollapseFirst.label::<&str>(&[]), "collapse of side 1");
    }
}
