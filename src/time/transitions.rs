//! The UTC-offset changes of a zone, found by probing chrono-tz and cached per process.
//!
//! chrono-tz keeps each zone's transition table private; its public surface only answers "what
//! is the offset at this instant". So the table is rebuilt by probing: one probe per day over
//! [`RANGE_START`, `RANGE_END`), and a bisection to the second wherever two probes differ.
//! Only changes of the total offset matter (a change of abbreviation or of the DST/standard
//! split at the same total moves no wall clock).

use chrono::{DateTime, Offset, TimeZone};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// 1900-01-01T00:00:00Z. Before it the zone's offset at this instant is used: support data
/// does not go back that far, and many zones' pre-1900 history is local mean time anyway.
pub(crate) const RANGE_START: i64 = -2_208_988_800;
/// 2101-01-01T00:00:00Z. chrono-tz 0.10 generates no transition after 2099, so its offsets are
/// constant from here on and the table is exact for every later instant too.
pub(crate) const RANGE_END: i64 = 4_133_980_800;

/// One day. chrono-tz 0.10.4's data (checked offline against its generated tables) has no two
/// offset changes less than a day apart between 1900 and 2100, so no change hides between two
/// probes; a bisection then finds each one exactly.
const PROBE_STEP: i64 = 86_400;

/// A zone's offset changes: `offsets[0]` applies before `at[0]`, `offsets[k]` from `at[k - 1]`
/// (inclusive) to `at[k]` (exclusive).
#[derive(Debug)]
pub(crate) struct ZoneTable {
    pub(crate) at: Vec<i64>,
    pub(crate) offsets: Vec<i64>,
}

impl ZoneTable {
    /// The offset (local minus UTC, seconds) in effect at UTC second `t`.
    #[cfg(test)]
    pub(crate) fn offset_at(&self, t: i64) -> i64 {
        self.offsets[self.at.partition_point(|&x| x <= t)]
    }
}

/// The table of `tz`, computed on first use and shared afterwards.
pub(crate) fn table(tz: Tz) -> Arc<ZoneTable> {
    static CACHE: OnceLock<Mutex<HashMap<Tz, Arc<ZoneTable>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // A poisoned lock only means another thread panicked while holding it; the map itself is
    // always in a consistent state (entries are inserted whole), so keep using it.
    if let Some(t) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&tz) {
        return Arc::clone(t);
    }
    // Probing takes milliseconds: do it outside the lock so other zones are not held up. Two
    // threads racing on the same zone compute the same table; the first one inserted wins.
    let built = Arc::new(build(tz));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(map.entry(tz).or_insert(built))
}

fn chrono_offset(tz: Tz, t: i64) -> i64 {
    DateTime::from_timestamp(t, 0).map_or(0, |d| {
        i64::from(
            tz.offset_from_utc_datetime(&d.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

fn build(tz: Tz) -> ZoneTable {
    let mut at = Vec::new();
    let mut offsets = vec![chrono_offset(tz, RANGE_START)];
    let mut cur = RANGE_START;
    let mut cur_off = offsets[0];
    while cur < RANGE_END {
        let probe = (cur + PROBE_STEP).min(RANGE_END);
        if chrono_offset(tz, probe) == cur_off {
            cur = probe;
            continue;
        }
        // Invariant: offset(lo) == cur_off != offset(hi). The first change after `lo` is a real
        // transition even if a second one follows within the day; the scan resumes from it.
        let (mut lo, mut hi) = (cur, probe);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if chrono_offset(tz, mid) == cur_off {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        cur_off = chrono_offset(tz, hi);
        at.push(hi);
        offsets.push(cur_off);
        cur = hi;
    }
    ZoneTable { at, offsets }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, Utc};

    #[test]
    fn range_constants() {
        let ts = |y| {
            NaiveDate::from_ymd_opt(y, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp()
        };
        assert_eq!(RANGE_START, ts(1900));
        assert_eq!(RANGE_END, ts(2101));
    }

    #[test]
    fn new_york_2021() {
        let t = table(chrono_tz::America::New_York);
        let spring = Utc
            .with_ymd_and_hms(2021, 3, 14, 7, 0, 0)
            .unwrap()
            .timestamp();
        let autumn = Utc
            .with_ymd_and_hms(2021, 11, 7, 6, 0, 0)
            .unwrap()
            .timestamp();
        assert!(t.at.contains(&spring) && t.at.contains(&autumn));
        assert_eq!(t.offset_at(spring - 1), -5 * 3600);
        assert_eq!(t.offset_at(spring), -4 * 3600);
        assert_eq!(t.offset_at(autumn), -5 * 3600);
        assert!(table(Tz::UTC).at.is_empty());
    }

    #[test]
    fn agrees_with_chrono_tz_at_every_probe() {
        // Every transition found is a real change, and the table reproduces chrono-tz's offset
        // on both sides of it.
        let tz = chrono_tz::Australia::Lord_Howe;
        let t = table(tz);
        for &x in &t.at {
            assert_ne!(chrono_offset(tz, x - 1), chrono_offset(tz, x));
            assert_eq!(t.offset_at(x - 1), chrono_offset(tz, x - 1));
            assert_eq!(t.offset_at(x), chrono_offset(tz, x));
        }
    }
}
