//! Scoring forecasts against observed outcomes: MAE, RMSE and median absolute error.

use serde::Serialize;

/// Error summary of one model over a set of issues.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorSummary {
    pub n: usize,
    pub mae: f64,
    pub rmse: f64,
    pub median_ae: f64,
}

/// Summarises absolute errors (in issue order; summation is sequential, so reproducible).
/// The median of an even count is the mean of the two middle values.
pub fn summarise(abs_errors: &[f64]) -> ErrorSummary {
    let n = abs_errors.len();
    if n == 0 {
        return ErrorSummary {
            n,
            mae: f64::NAN,
            rmse: f64::NAN,
            median_ae: f64::NAN,
        };
    }
    let mae = abs_errors.iter().sum::<f64>() / n as f64;
    let rmse = (abs_errors.iter().map(|e| e * e).sum::<f64>() / n as f64).sqrt();
    let mut s = abs_errors.to_vec();
    s.sort_by(f64::total_cmp);
    let median_ae = if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    };
    ErrorSummary {
        n,
        mae,
        rmse,
        median_ae,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn summary() {
        let s = summarise(&[1.0, 3.0, 2.0, 4.0]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mae, 2.5);
        assert_eq!(s.median_ae, 2.5);
        assert!((s.rmse - (30.0f64 / 4.0).sqrt()).abs() < 1e-12);
    }
}
