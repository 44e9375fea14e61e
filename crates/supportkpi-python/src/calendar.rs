//! `BusinessCalendar` over the core's, with instants as Unix seconds.
//!
//! The Python layer turns aware datetimes into exact Unix seconds (and rejects naive ones)
//! before calling in, because only Python knows every `tzinfo` implementation's offsets (zoneinfo,
//! pytz, dateutil); dates and times cross as tuples of ints.

use crate::errors::to_py;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike};
use pyo3::prelude::*;
use supportkpi::time::parse_zone;
use supportkpi::{BusinessCalendar, Error, ErrorKind};

type Ymd = (i32, u32, u32);
/// Hour, minute, second.
type Hms = (u32, u32, u32);
/// Hour, minute, second, microsecond.
type Hmsu = (u32, u32, u32, u32);

/// The compiled calendar; `supportkpi.BusinessCalendar` wraps it.
#[pyclass(frozen, eq, module = "supportkpi._native", name = "BusinessCalendar")]
#[derive(Debug, PartialEq)]
pub(crate) struct PyBusinessCalendar {
    pub(crate) inner: BusinessCalendar,
}

fn date(py: Python<'_>, (y, m, d): Ymd, field: &str) -> PyResult<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        let err = Error::new(ErrorKind::InvalidCalendar, "expected a valid date")
            .with_record_type("calendar")
            .with_field(field.to_owned())
            .with_value(format!("{y:04}-{m:02}-{d:02}"));
        to_py(py, &err, None)
    })
}

fn time(py: Python<'_>, (h, m, s, us): Hmsu) -> PyResult<NaiveTime> {
    NaiveTime::from_hms_micro_opt(h, m, s, us).ok_or_else(|| {
        let err = Error::new(ErrorKind::InvalidCalendar, "expected a valid time of day")
            .with_record_type("calendar")
            .with_field("closures")
            .with_value(format!("{h:02}:{m:02}:{s:02}.{us:06}"));
        to_py(py, &err, None)
    })
}

fn instant(py: Python<'_>, secs: i64, field: &str) -> PyResult<DateTime<chrono::Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| {
        let err = Error::new(
            ErrorKind::InvalidTimestamp,
            "an instant lies within the years -262143 to 262142",
        )
        .with_field(field.to_owned())
        .with_value(secs);
        to_py(py, &err, None)
    })
}

#[pymethods]
impl PyBusinessCalendar {
    #[new]
    #[pyo3(signature = (timezone, hours, holidays, closures))]
    fn new(
        py: Python<'_>,
        timezone: &str,
        hours: &str,
        holidays: Vec<Ymd>,
        closures: Vec<(Ymd, Hmsu, Hmsu)>,
    ) -> PyResult<Self> {
        let err = |e: Error| to_py(py, &e, None);
        let tz = parse_zone(timezone).map_err(err)?;
        let mut cal = BusinessCalendar::parse(hours, tz).map_err(err)?;
        for d in holidays {
            cal = cal.with_holiday(date(py, d, "holidays")?);
        }
        for (d, from, to) in closures {
            let (d, from, to) = (date(py, d, "closures")?, time(py, from)?, time(py, to)?);
            cal = cal.with_closure(d, from, to).map_err(err)?;
        }
        Ok(PyBusinessCalendar { inner: cal })
    }

    /// The IANA zone name.
    #[getter]
    fn timezone(&self) -> &'static str {
        self.inner.zone().name()
    }

    /// The weekly hours in the core's normal form (parses back to the same calendar).
    #[getter]
    fn hours(&self) -> String {
        self.inner.to_string()
    }

    #[getter]
    fn holidays(&self) -> Vec<Ymd> {
        self.inner
            .holidays()
            .map(|d| (d.year(), d.month(), d.day()))
            .collect()
    }

    /// `(date, from, to)`; a `to` at or before `from` runs into the next day.
    #[getter]
    fn closures(&self) -> Vec<(Ymd, Hms, Hms)> {
        self.inner
            .closures()
            .map(|(d, from, to)| {
                let t = |t: NaiveTime| (t.hour(), t.minute(), t.second());
                ((d.year(), d.month(), d.day()), t(from), t(to))
            })
            .collect()
    }

    #[getter]
    fn weekly_open_seconds(&self, py: Python<'_>) -> i64 {
        py.detach(|| self.inner.weekly_open_seconds())
    }

    /// Open seconds in `[start, end)`, negative when `end < start`.
    fn business_seconds(&self, py: Python<'_>, start: i64, end: i64) -> PyResult<i64> {
        let (a, b) = (instant(py, start, "start")?, instant(py, end, "end")?);
        // The first call builds the calendar's index of zone transitions; keep other threads
        // running meanwhile.
        Ok(py.detach(|| self.inner.business_seconds(a, b)))
    }

    fn is_open_at(&self, py: Python<'_>, at: i64) -> PyResult<bool> {
        let t = instant(py, at, "at")?;
        Ok(py.detach(|| self.inner.is_open_at(t)))
    }

    /// Unix seconds of the instant `seconds` business seconds after `start`, or `None`.
    fn add_business_seconds(
        &self,
        py: Python<'_>,
        start: i64,
        seconds: i64,
    ) -> PyResult<Option<i64>> {
        let t = instant(py, start, "start")?;
        Ok(py
            .detach(|| self.inner.add_business_seconds(t, seconds))
            .map(|t| t.timestamp()))
    }
}
