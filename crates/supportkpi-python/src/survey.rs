//! `nps`, `csat`, `ces` and the comparisons: options in, the core's result out as a dict the
//! Python layer turns into its frozen result class.
//!
//! Each result dict carries `_state`, the accumulator's serialized state (the core's serde
//! form) taken just before `finish`. Comparing two results deserializes both states, finishes
//! them and calls the core's `compare`, so no statistic is recomputed on this side.

use crate::errors::to_py;
use crate::scores::run;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyString, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;
use supportkpi::kpi::{
    Accumulator, Ces, CesDirection, CesOptions, CesScale, Csat, CsatAccumulator, CsatOptions,
    CsatScale, CustomCesScale, Metric, Nps, NpsAccumulator, NpsOptions, ScoreDistribution,
};
use supportkpi::stats::interval::{Comparison, Interval};
use supportkpi::{Error, ErrorKind};

/// A result dict under construction: plain fields, plus `undefined_reasons` for every
/// undefined metric (whose field is `None`).
struct Fields<'py> {
    dict: Bound<'py, PyDict>,
    reasons: Bound<'py, PyDict>,
}

impl<'py> Fields<'py> {
    fn new(py: Python<'py>) -> Self {
        Fields {
            dict: PyDict::new(py),
            reasons: PyDict::new(py),
        }
    }

    fn set<V: IntoPyObject<'py>>(&self, name: &str, value: V) -> PyResult<()> {
        self.dict.set_item(name, value)
    }

    fn metric<T, V>(&self, name: &str, m: &Metric<T>, to_py: impl Fn(&T) -> V) -> PyResult<()>
    where
        V: IntoPyObject<'py>,
    {
        match m {
            Metric::Value(v) => self.set(name, to_py(v)),
            Metric::Undefined(u) => {
                self.reasons.set_item(name, u.reason())?;
                self.set(name, None::<f64>)
            }
        }
    }

    fn float(&self, name: &str, m: &Metric<f64>) -> PyResult<()> {
        self.metric(name, m, |v| *v)
    }

    fn interval(&self, name: &str, m: &Metric<Interval>) -> PyResult<()> {
        self.metric(name, m, |i| (i.lower, i.upper))
    }

    fn distribution(&self, d: &ScoreDistribution) -> PyResult<()> {
        self.set("distribution", d.as_slice().to_vec())
    }

    fn finish(self) -> PyResult<Bound<'py, PyDict>> {
        self.dict.set_item("undefined_reasons", self.reasons)?;
        Ok(self.dict)
    }
}

fn state<'py, A: Serialize>(py: Python<'py>, acc: &A) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = serde_json::to_vec(acc).map_err(|e| {
        let err = Error::new(ErrorKind::InvalidState, e.to_string()).with_field("state");
        to_py(py, &err, None)
    })?;
    Ok(PyBytes::new(py, &bytes))
}

fn from_state<A: DeserializeOwned>(py: Python<'_>, bytes: &[u8]) -> PyResult<A> {
    serde_json::from_slice(bytes).map_err(|e| {
        let err = Error::new(ErrorKind::InvalidState, e.to_string()).with_field("state");
        to_py(py, &err, None)
    })
}

/// An `i32` option from a Python int: a `TypeError` for anything else (bools included) and an
/// `InvalidOption` error for an int outside `i32`.
fn option_i32(py: Python<'_>, obj: &Bound<'_, PyAny>, field: &str) -> PyResult<i32> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        let ty = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "{field} must be an int, not {ty}"
        )));
    }
    obj.extract::<i32>().map_err(|_| {
        let err = Error::new(ErrorKind::InvalidOption, "an option fits in 32 bits")
            .with_field(field.to_owned())
            .with_value(obj.to_string());
        to_py(py, &err, None)
    })
}

fn confidence_level(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyString>() {
        let ty = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "confidence must be a float, not {ty}"
        )));
    }
    obj.extract::<f64>()
        .map_err(|_| PyTypeError::new_err("confidence must be a float"))
}

/// NPS of `scores` (0–10) as a result dict.
#[pyfunction]
#[pyo3(signature = (scores, adjusted_wald, confidence))]
pub(crate) fn nps<'py>(
    py: Python<'py>,
    scores: &Bound<'py, PyAny>,
    adjusted_wald: bool,
    confidence: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = NpsOptions::default()
        .with_adjusted_wald(adjusted_wald)
        .with_confidence(confidence_level(confidence)?);
    let kpi = Nps::new(options).map_err(|e| to_py(py, &e, None))?;
    let acc = run(py, kpi.accumulator(), scores)?;
    let state = state(py, &acc)?;
    let r = acc.finish();
    let f = Fields::new(py);
    f.float("score", &r.score)?;
    f.set("promoters", r.promoters)?;
    f.set("passives", r.passives)?;
    f.set("detractors", r.detractors)?;
    f.set("n", r.n)?;
    f.float("promoter_share", &r.promoter_share)?;
    f.float("passive_share", &r.passive_share)?;
    f.float("detractor_share", &r.detractor_share)?;
    f.float("standard_error", &r.standard_error)?;
    f.interval("ci95", &r.ci95)?;
    f.interval("ci", &r.ci)?;
    f.set("confidence", r.confidence)?;
    f.set("adjusted_wald", r.adjusted_wald)?;
    f.distribution(&r.distribution)?;
    f.set("_state", state)?;
    f.finish()
}

/// CSAT of `scores` on `min..=max` as a result dict; `positive_from=None` is the scale's
/// default (top-2-box on scales of 5 points or more, the top point below that).
#[pyfunction]
#[pyo3(signature = (scores, scale_min, scale_max, positive_from, confidence))]
pub(crate) fn csat<'py>(
    py: Python<'py>,
    scores: &Bound<'py, PyAny>,
    scale_min: &Bound<'py, PyAny>,
    scale_max: &Bound<'py, PyAny>,
    positive_from: Option<&Bound<'py, PyAny>>,
    confidence: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let (min, max) = (
        option_i32(py, scale_min, "scale")?,
        option_i32(py, scale_max, "scale")?,
    );
    let scale = CsatScale::new(min, max).map_err(|e| to_py(py, &e, None))?;
    let mut options = CsatOptions::default()
        .with_scale(scale)
        .with_confidence(confidence_level(confidence)?);
    if let Some(p) = positive_from {
        options = options.with_positive_from(option_i32(py, p, "positive_from")?);
    }
    let kpi = Csat::new(options).map_err(|e| to_py(py, &e, None))?;
    let acc = run(py, kpi.accumulator(), scores)?;
    let state = state(py, &acc)?;
    let r = acc.finish();
    let f = Fields::new(py);
    f.float("score", &r.score)?;
    f.set("positive", r.positive)?;
    f.set("n", r.n)?;
    f.float("mean", &r.mean)?;
    f.interval("ci95", &r.ci95)?;
    f.interval("ci", &r.ci)?;
    f.set("confidence", r.confidence)?;
    f.set("scale", (r.scale.min(), r.scale.max()))?;
    f.set("positive_from", r.positive_from)?;
    f.distribution(&r.distribution)?;
    f.set("_state", state)?;
    f.finish()
}

/// The CES scale from its name, or from `(min, max, better, easy_threshold)` for a custom one
/// (`better` is `"lower"` or `"higher"`).
fn ces_scale(py: Python<'_>, scale: &Bound<'_, PyAny>) -> PyResult<CesScale> {
    if scale.is_instance_of::<PyString>() {
        return scale
            .extract::<String>()?
            .parse::<CesScale>()
            .map_err(|e| to_py(py, &e, None));
    }
    let Ok(parts) = scale.cast::<PyTuple>() else {
        let ty = scale.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "a CES scale is \"effort_1_to_5\", \"ease_1_to_7\" or a CustomCesScale, not {ty}"
        )));
    };
    let (min, max, better, easy): (Bound<'_, PyAny>, Bound<'_, PyAny>, String, Bound<'_, PyAny>) =
        parts.extract()?;
    let better = match better.as_str() {
        "lower" => CesDirection::LowerIsBetter,
        "higher" => CesDirection::HigherIsBetter,
        other => {
            let err = Error::new(
                ErrorKind::InvalidOption,
                "better is \"lower\" or \"higher\"",
            )
            .with_field("better")
            .with_value(other);
            return Err(to_py(py, &err, None));
        }
    };
    let custom = CustomCesScale::new(
        option_i32(py, &min, "min")?,
        option_i32(py, &max, "max")?,
        better,
        option_i32(py, &easy, "easy_threshold")?,
    )
    .map_err(|e| to_py(py, &e, None))?;
    Ok(CesScale::Custom(custom))
}

/// CES of `scores` on a named or custom scale as a result dict.
#[pyfunction]
#[pyo3(signature = (scores, scale))]
pub(crate) fn ces<'py>(
    py: Python<'py>,
    scores: &Bound<'py, PyAny>,
    scale: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let options = CesOptions::default().with_scale(ces_scale(py, scale)?);
    let kpi = Ces::new(options).map_err(|e| to_py(py, &e, None))?;
    let acc = run(py, kpi.accumulator(), scores)?;
    let state = state(py, &acc)?;
    let r = acc.finish();
    let f = Fields::new(py);
    f.float("mean", &r.mean)?;
    f.float("easy_share", &r.easy_share)?;
    f.set("easy", r.easy)?;
    f.set("n", r.n)?;
    f.set("scale", r.scale.name())?;
    let better = match r.scale.better() {
        CesDirection::LowerIsBetter => "lower",
        CesDirection::HigherIsBetter => "higher",
    };
    f.set(
        "custom_scale",
        (
            r.scale.min(),
            r.scale.max(),
            better,
            r.scale.easy_threshold(),
        ),
    )?;
    f.distribution(&r.distribution)?;
    f.set("_state", state)?;
    f.finish()
}

fn comparison<'py>(py: Python<'py>, m: &Metric<Comparison>) -> PyResult<Bound<'py, PyDict>> {
    let f = Fields::new(py);
    f.metric("difference", m, |c| c.difference)?;
    f.metric("standard_error", m, |c| c.standard_error)?;
    f.metric("z", m, |c| c.z)?;
    f.metric("p_value", m, |c| c.p_value)?;
    f.finish()
}

/// The core's two-sample z-test between two NPS results, from their states.
#[pyfunction]
pub(crate) fn compare_nps<'py>(
    py: Python<'py>,
    a: &[u8],
    b: &[u8],
) -> PyResult<Bound<'py, PyDict>> {
    let a: NpsAccumulator = from_state(py, a)?;
    let b: NpsAccumulator = from_state(py, b)?;
    comparison(py, &a.finish().compare(&b.finish()))
}

/// The core's two-proportion z-test between two CSAT results, from their states.
#[pyfunction]
pub(crate) fn compare_csat<'py>(
    py: Python<'py>,
    a: &[u8],
    b: &[u8],
) -> PyResult<Bound<'py, PyDict>> {
    let a: CsatAccumulator = from_state(py, a)?;
    let b: CsatAccumulator = from_state(py, b)?;
    comparison(py, &a.finish().compare(&b.finish()))
}
