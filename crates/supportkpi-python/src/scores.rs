//! Python iterables of scores into the core's `i32` scores, and the detached push loop.
//!
//! Conversion needs the GIL; pushing does not. Scores are converted in chunks into a reused
//! `Vec<i32>` and each chunk is pushed with the GIL released, so memory stays bounded for any
//! length of input, other threads run, and Ctrl-C is honoured between chunks. Errors keep the
//! order a user expects: the first bad item (by position) is the one reported, whether the
//! conversion or the core found it, except that an item that is not a number at all (a
//! `TypeError`) is reported as soon as it is met.

use crate::errors::to_py;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyIterator, PyList, PyString, PyTuple,
};
use supportkpi::kpi::Accumulator;
use supportkpi::{Error, ErrorKind};

/// Items converted per GIL release.
const CHUNK: usize = 1 << 16;

/// A number that is not a valid `i32` score, found while converting; pushing stops before it.
#[derive(Debug)]
enum Halt {
    /// An integer outside `i32`: off every scale, reported with the scale's own rule.
    Huge { index: usize, text: String },
    /// A float with a fraction, NaN or infinity.
    NotWhole { index: usize, text: String },
}

/// How a chunk ended.
#[derive(Debug)]
enum End {
    More,
    Done,
    Halt(Halt),
}

/// Pushes every score of `obj` into `acc`, with the GIL released for the pushing.
pub(crate) fn run<A>(py: Python<'_>, mut acc: A, obj: &Bound<'_, PyAny>) -> PyResult<A>
where
    A: Accumulator<Record = i32> + Clone + Send,
{
    let probe = acc.clone();
    let mut items = Items::new(obj)?;
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        let start = items.position;
        chunk.clear();
        let end = items.fill(&mut chunk)?;
        let (back, buffer, pushed) = py.detach(move || {
            let mut acc = acc;
            let pushed = chunk
                .iter()
                .enumerate()
                .try_for_each(|(i, s)| acc.push(s).map_err(|e| (i, e)));
            (acc, chunk, pushed)
        });
        (acc, chunk) = (back, buffer);
        pushed.map_err(|(i, e)| to_py(py, &e, Some(start + i)))?;
        match end {
            End::More => py.check_signals()?,
            End::Done => return Ok(acc),
            End::Halt(Halt::Huge { index, text }) => {
                return Err(to_py(py, &off_scale(probe, text), Some(index)));
            }
            End::Halt(Halt::NotWhole { index, text }) => {
                let e = Error::new(
                    ErrorKind::InvalidValue,
                    "a score is a whole number (drop missing answers, NaN, before computing)",
                )
                .with_record_type("score")
                .with_field("score")
                .with_value(text);
                return Err(to_py(py, &e, Some(index)));
            }
        }
    }
}

/// The core's own off-scale error for a value too large for `i32`, with the value as given.
fn off_scale<A: Accumulator<Record = i32>>(mut probe: A, text: String) -> Error {
    // No scale holds both ends of i32 (scales have at most 101 points), so one push fails and
    // yields the rule naming this KPI's scale.
    for extreme in [i32::MAX, i32::MIN] {
        if let Err(e) = probe.push(&extreme) {
            let record_type = e.record().map_or("score", |r| r.record_type);
            return Error::new(e.kind(), e.rule())
                .with_record_type(record_type)
                .with_field(e.field().unwrap_or("score").to_owned())
                .with_value(text);
        }
    }
    Error::new(ErrorKind::ScoreOutOfScale, "a score fits in 32 bits")
        .with_record_type("score")
        .with_field("score")
        .with_value(text)
}

fn describe(obj: &Bound<'_, PyAny>) -> String {
    let ty = obj
        .get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string());
    let repr = obj
        .repr()
        .map_or_else(|_| String::from("?"), |r| r.to_string());
    let repr = if repr.chars().count() > 40 {
        let cut: String = repr.chars().take(37).collect();
        format!("{cut}...")
    } else {
        repr
    };
    format!("{ty} {repr}")
}

/// The items of a scores argument, converted a chunk at a time.
struct Items<'py> {
    iter: Bound<'py, PyIterator>,
    index_fn: Bound<'py, PyAny>,
    /// The position of the next item.
    position: usize,
}

impl<'py> Items<'py> {
    fn new(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        let not_iterable = |obj: &Bound<'py, PyAny>| {
            PyTypeError::new_err(format!(
                "scores must be an iterable of int scores, not {}",
                describe(obj)
            ))
        };
        if obj.is_instance_of::<PyString>()
            || obj.is_instance_of::<PyBytes>()
            || obj.is_instance_of::<PyByteArray>()
        {
            return Err(not_iterable(obj));
        }
        // numpy arrays and pandas Series: `tolist()` converts in C, far faster than iterating
        // their scalars one by one from here.
        let obj = if !obj.is_instance_of::<PyList>()
            && !obj.is_instance_of::<PyTuple>()
            && obj.hasattr("dtype")?
            && obj.hasattr("tolist")?
        {
            obj.call_method0("tolist")?
        } else {
            obj.clone()
        };
        let iter = obj.try_iter().map_err(|_| not_iterable(&obj))?;
        Ok(Items {
            iter,
            index_fn: obj.py().import("operator")?.getattr("index")?,
            position: 0,
        })
    }

    /// Converts up to `CHUNK` items into `chunk`.
    fn fill(&mut self, chunk: &mut Vec<i32>) -> PyResult<End> {
        while chunk.len() < CHUNK {
            let Some(item) = self.iter.next() else {
                return Ok(End::Done);
            };
            let index = self.position;
            let halt = match score(index, &item?, &self.index_fn)? {
                Item::Score(s) => {
                    chunk.push(s);
                    self.position += 1;
                    continue;
                }
                Item::Huge(text) => Halt::Huge { index, text },
                Item::NotWhole(text) => Halt::NotWhole { index, text },
            };
            return Ok(End::Halt(halt));
        }
        Ok(End::More)
    }
}

#[derive(Debug)]
enum Item {
    Score(i32),
    Huge(String),
    NotWhole(String),
}

/// One item as a score, or a `TypeError` for anything that is not a number.
fn score(index: usize, item: &Bound<'_, PyAny>, index_fn: &Bound<'_, PyAny>) -> PyResult<Item> {
    let not_a_score = || {
        PyTypeError::new_err(format!(
            "scores[{index}]: expected an int score, got {}",
            describe(item)
        ))
    };
    if item.is_instance_of::<PyBool>() {
        return Err(not_a_score());
    }
    if item.is_instance_of::<PyFloat>() {
        let f: f64 = item.extract()?;
        let text = || item.repr().map(|r| r.to_string());
        if !f.is_finite() || f.fract() != 0.0 {
            return Ok(Item::NotWhole(text()?));
        }
        if f < f64::from(i32::MIN) || f > f64::from(i32::MAX) {
            return Ok(Item::Huge(text()?));
        }
        // Whole floats are what pandas makes of an int column with gaps: accept 4.0 as 4.
        return Ok(Item::Score(f as i32));
    }
    let int = if item.is_instance_of::<PyInt>() {
        item.clone()
    } else {
        // numpy and other integer scalars implement __index__; numpy.bool does not.
        index_fn.call1((item,)).map_err(|_| not_a_score())?
    };
    match int.extract::<i32>() {
        Ok(s) => Ok(Item::Score(s)),
        Err(_) => Ok(Item::Huge(int.str()?.to_string())),
    }
}
