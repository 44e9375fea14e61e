//! Trend statistics over a series of per-period values: change vs the previous period, trailing
//! moving average, least-squares trend, and spike detection by a robust z-score.
//!
//! These are plain functions over slices, so they apply to any series the KPIs produce
//! (tickets created per day, backlog per week…).

use crate::error::{Error, ErrorKind};
use crate::kpi::Metric;
use serde::{Deserialize, Serialize};

/// Change of a value from the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// `current − previous`.
    pub absolute: f64,
    /// `100 × (current − previous) / previous`; undefined when the previous value is 0.
    pub percent: Metric<f64>,
}

/// The change from `previous` to `current`.
///
/// ```
/// use supportkpi::stats::trend::change;
/// let c = change(80.0, 100.0);
/// assert_eq!(c.absolute, 20.0);
/// assert_eq!(c.percent.value(), Some(25.0));
/// assert!(change(0.0, 5.0).percent.value().is_none());
/// ```
pub fn change(previous: f64, current: f64) -> Change {
    let percent = if previous == 0.0 {
        Metric::undefined("previous period is 0")
    } else {
        Metric::Value(100.0 * (current - previous) / previous)
    };
    Change {
        absolute: current - previous,
        percent,
    }
}

/// The trailing moving average over `window` values: element `i` averages `values[i + 1 −
/// window ..= i]`. The first `window − 1` elements are undefined (fewer than `window` values
/// so far), so an average always covers a full window.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] when `window` is 0.
///
/// ```
/// use supportkpi::stats::trend::moving_average;
/// let ma = moving_average(&[1.0, 2.0, 3.0, 4.0], 3)?;
/// let v: Vec<Option<f64>> = ma.iter().map(|m| m.value()).collect();
/// assert_eq!(v, [None, None, Some(2.0), Some(3.0)]);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn moving_average(values: &[f64], window: usize) -> Result<Vec<Metric<f64>>, Error> {
    if window == 0 {
        return Err(window_error(window));
    }
    let mut out = Vec::with_capacity(values.len());
    let mut sum = 0.0;
    for (i, v) in values.iter().enumerate() {
        sum += v;
        if i >= window {
            sum -= values[i - window];
        }
        if i + 1 >= window {
            // Re-summing the window would be exact but O(n·w); values are counts and means of
            // modest size, so the running sum's rounding stays far below display precision.
            out.push(Metric::Value(sum / window as f64));
        } else {
            out.push(Metric::undefined(format!(
                "fewer than {window} periods so far"
            )));
        }
    }
    Ok(out)
}

fn window_error(window: usize) -> Error {
    Error::new(ErrorKind::InvalidOption, "a window is at least 1 period")
        .with_field("window")
        .with_value(window)
}

/// A least-squares line `y = intercept + slope · x`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LinearFit {
    /// Change in y per unit of x (for a daily series: tickets per day, per day).
    pub slope: f64,
    /// y at x = 0.
    pub intercept: f64,
    /// Number of points fitted.
    pub n: usize,
}

/// The ordinary least-squares fit of `ys` against `x = 0, 1, 2, …`.
///
/// Undefined with fewer than two points.
///
/// ```
/// use supportkpi::stats::trend::least_squares;
/// let fit = least_squares(&[10.0, 12.0, 14.0, 16.0]).value().unwrap();
/// assert_eq!((fit.slope, fit.intercept), (2.0, 10.0));
/// ```
pub fn least_squares(ys: &[f64]) -> Metric<LinearFit> {
    let n = ys.len();
    if n < 2 {
        return Metric::undefined("a trend needs at least two periods");
    }
    let nf = n as f64;
    let mean_x = (nf - 1.0) / 2.0;
    let mean_y = ys.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, y) in ys.iter().enumerate() {
        let dx = i as f64 - mean_x;
        sxy += dx * (y - mean_y);
        sxx += dx * dx;
    }
    let slope = sxy / sxx;
    Metric::Value(LinearFit {
        slope,
        intercept: mean_y - slope * mean_x,
        n,
    })
}

/// Options of [`spikes`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpikeOptions {
    /// How many preceding values form the baseline (default 28: four weeks of days).
    pub window: usize,
    /// A value is a spike when its robust z-score exceeds this (default 3.5, Iglewicz and
    /// Hoaglin's recommended cut-off for the modified z-score).
    pub threshold: f64,
}

impl Default for SpikeOptions {
    fn default() -> Self {
        SpikeOptions {
            window: 28,
            threshold: 3.5,
        }
    }
}

/// A value that stands out from its trailing baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spike {
    /// Position in the series.
    pub index: usize,
    /// The value.
    pub value: f64,
    /// Median of the baseline window.
    pub median: f64,
    /// Robust z-score of the value against the baseline.
    pub z: f64,
}

/// Spike detection by the robust (modified) z-score of each value against the `window` values
/// before it: `z = 0.6745 · (x − median) / MAD`, where MAD is the median absolute deviation of
/// the window. When the MAD is 0 (a flat baseline) the mean absolute deviation stands in,
/// `z = (x − median) / (1.253314 · MeanAD)`; when that is 0 too, any value above the median is
/// a spike with `z = +∞`. Only upward spikes are reported; the first `window` values have no
/// baseline and are never spikes.
///
/// # Errors
/// [`ErrorKind::InvalidOption`] for a zero window or a threshold that is not a positive number.
///
/// ```
/// use supportkpi::stats::trend::{SpikeOptions, spikes};
/// let mut daily = vec![10.0, 12.0, 11.0, 9.0, 10.0, 11.0, 10.0];
/// daily.push(40.0);
/// let found = spikes(&daily, SpikeOptions { window: 7, threshold: 3.5 })?;
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].index, 7);
/// assert_eq!(found[0].median, 10.0);
/// # Ok::<(), supportkpi::Error>(())
/// ```
pub fn spikes(values: &[f64], options: SpikeOptions) -> Result<Vec<Spike>, Error> {
    if options.window == 0 {
        return Err(window_error(options.window));
    }
    if !(options.threshold.is_finite() && options.threshold > 0.0) {
        return Err(Error::new(
            ErrorKind::InvalidOption,
            "a spike threshold is a positive number",
        )
        .with_field("threshold")
        .with_value(options.threshold));
    }
    let mut out = Vec::new();
    let mut buf = Vec::with_capacity(options.window);
    for i in options.window..values.len() {
        buf.clear();
        buf.extend_from_slice(&values[i - options.window..i]);
        let median = median_in_place(&mut buf);
        let x = values[i];
        for v in buf.iter_mut() {
            *v = (*v - median).abs();
        }
        let mean_ad = buf.iter().sum::<f64>() / buf.len() as f64;
        let mad = median_in_place(&mut buf);
        let z = if mad > 0.0 {
            0.6745 * (x - median) / mad
        } else if mean_ad > 0.0 {
            (x - median) / (1.253314 * mean_ad)
        } else if x > median {
            f64::INFINITY
        } else {
            0.0
        };
        if z > options.threshold {
            out.push(Spike {
                index: i,
                value: x,
                median,
                z,
            });
        }
    }
    Ok(out)
}

fn median_in_place(v: &mut [f64]) -> f64 {
    v.sort_unstable_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_matches_a_naive_mean() {
        let xs: Vec<f64> = (0..20).map(|i| f64::from((i * 7) % 11)).collect();
        let ma = moving_average(&xs, 4).unwrap();
        for (i, m) in ma.iter().enumerate() {
            if i < 3 {
                assert!(m.value().is_none());
            } else {
                let naive = xs[i - 3..=i].iter().sum::<f64>() / 4.0;
                assert!((m.value().unwrap() - naive).abs() < 1e-12);
            }
        }
        assert_eq!(
            moving_average(&xs, 0).unwrap_err().kind(),
            ErrorKind::InvalidOption
        );
    }

    #[test]
    fn least_squares_hand_worked() {
        // x = 0..4, y = 1, 3, 2, 5: mean x 1.5, mean y 2.75, Sxy = 5.5, Sxx = 5
        // → slope 1.1, intercept 2.75 − 1.1 × 1.5 = 1.1.
        let fit = least_squares(&[1.0, 3.0, 2.0, 5.0]).value().unwrap();
        assert!((fit.slope - 1.1).abs() < 1e-12);
        assert!((fit.intercept - 1.1).abs() < 1e-12);
        assert!(least_squares(&[3.0]).value().is_none());
    }

    #[test]
    fn spike_scores_hand_worked() {
        // Window 5 before index 5: [10, 12, 11, 9, 10] → median 10, |dev| = [0, 2, 1, 1, 0]
        // → MAD 1; x = 20: z = 0.6745 × 10 / 1 = 6.745.
        let s = spikes(
            &[10.0, 12.0, 11.0, 9.0, 10.0, 20.0],
            SpikeOptions {
                window: 5,
                threshold: 3.5,
            },
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert!((s[0].z - 6.745).abs() < 1e-12);
    }

    #[test]
    fn flat_baseline_uses_mean_absolute_deviation_then_infinity() {
        // [5,5,5,5,9] has MAD 0 (median deviation 0) but MeanAD 0.8.
        let opts = SpikeOptions {
            window: 5,
            threshold: 3.5,
        };
        let s = spikes(&[5.0, 5.0, 5.0, 5.0, 9.0, 20.0], opts).unwrap();
        assert_eq!(s[0].index, 5);
        assert!((s[0].z - 15.0 / (1.253314 * 0.8)).abs() < 1e-9);
        let s = spikes(&[5.0, 5.0, 5.0, 5.0, 5.0, 6.0], opts).unwrap();
        assert_eq!(s[0].z, f64::INFINITY);
        let s = spikes(&[5.0, 5.0, 5.0, 5.0, 5.0, 5.0], opts).unwrap();
        assert!(s.is_empty());
    }

    #[test]
    fn change_percent() {
        let c = change(200.0, 150.0);
        assert_eq!(c.absolute, -50.0);
        assert_eq!(c.percent.value(), Some(-25.0));
    }
}
