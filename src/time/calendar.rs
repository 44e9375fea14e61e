use chrono_tz::Tz;

/// When support is open: a zone, weekly hours, holidays. (Filled in by the time work.)
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: Tz,
}

impl BusinessCalendar {
    /// A calendar that is always open in `tz`.
    pub fn always_open(tz: Tz) -> Self {
        BusinessCalendar { tz }
    }

    /// The calendar's zone.
    pub fn zone(&self) -> Tz {
        self.tz
    }
}
