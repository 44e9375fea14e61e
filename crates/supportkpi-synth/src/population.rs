//! The customers: when each signed up and left, what it pays, its segment, and which customer
//! files a given ticket.

use super::rng::Rng;
use super::shape::Shape;

/// Share of customers per segment (enterprise, mid-market, SMB)…
const SEGMENT_SHARE: [f64; 3] = [0.08, 0.27, 0.65];
/// …how many tickets each files relative to an SMB customer…
const SEGMENT_TICKETS: [f64; 3] = [4.0, 2.0, 1.0];
/// …its monthly recurring revenue (median, USD)…
const SEGMENT_MRR: [f64; 3] = [6500.0, 1200.0, 150.0];
/// …and its chance of leaving in a 30-day month outside the churn wave.
const SEGMENT_CHURN: [f64; 3] = [0.004, 0.008, 0.015];
/// Extra chance of leaving over the whole churn wave (a competitor's launch, a price rise).
const WAVE_CHURN: f64 = 0.09;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Cust {
    /// Local day of acquisition (relative to the start; negative before it).
    pub(crate) acquired: i64,
    /// Local day it left; `i64::MAX` while it stays.
    pub(crate) churned: i64,
    pub(crate) segment: u8,
    pub(crate) mrr_cents: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Population {
    pub(crate) customers: Vec<Cust>,
    by_segment: [Vec<u32>; 3],
    segment_weights: [f64; 3],
    /// Customers there for the whole range: the fallback when a draw keeps finding customers
    /// not active on the ticket's day.
    stalwarts: Vec<u32>,
}

impl Population {
    pub(crate) fn new(n: u64, seed: u64, shape: &Shape) -> Population {
        let days = i64::from(shape.days);
        let (wave_first, wave_last) = shape.churn_wave;
        let wave_len = f64::from(wave_last - wave_first + 1);
        // Cumulative churn hazard up to each day, per segment.
        let hazard: Vec<Vec<f64>> = (0..3)
            .map(|s| {
                let mut acc = 0.0;
                (0..days)
                    .map(|d| {
                        let mut h = -(1.0 - SEGMENT_CHURN[s]).ln() / 30.0;
                        if (i64::from(wave_first)..=i64::from(wave_last)).contains(&d) {
                            h += -(1.0 - WAVE_CHURN).ln() / wave_len;
                        }
                        acc += h;
                        acc
                    })
                    .collect()
            })
            .collect();
        let mut customers = Vec::with_capacity(n as usize);
        for i in 0..n {
            let mut rng = Rng::stream(seed, super::DOMAIN_CUSTOMER, i);
            let segment = rng.pick(&SEGMENT_SHARE);
            let acquired = if rng.chance(0.72) {
                rng.range(-3 * 365, -1)
            } else {
                rng.range(0, days - 1)
            };
            // Leaves on the first day its cumulative hazard since joining passes an
            // exponential draw.
            let from = acquired.max(0);
            let before = if from == 0 {
                0.0
            } else {
                hazard[segment][from as usize - 1]
            };
            let threshold = before - (1.0 - rng.f64()).ln();
            let h = &hazard[segment];
            let at = h.partition_point(|&x| x < threshold) as i64;
            let churned = if at < days {
                (at + 1).max(from + 1)
            } else {
                i64::MAX
            };
            let mrr = rng.lognormal(SEGMENT_MRR[segment], 0.5);
            customers.push(Cust {
                acquired,
                churned,
                segment: segment as u8,
                mrr_cents: (mrr * 100.0).round() as u64,
            });
        }
        let mut by_segment: [Vec<u32>; 3] = Default::default();
        let mut stalwarts = Vec::new();
        for (i, c) in customers.iter().enumerate() {
            by_segment[usize::from(c.segment)].push(i as u32);
            if c.acquired < 0 && c.churned == i64::MAX {
                stalwarts.push(i as u32);
            }
        }
        if stalwarts.is_empty() {
            stalwarts = (0..customers.len() as u32).collect();
        }
        let segment_weights =
            std::array::from_fn(|s| by_segment[s].len() as f64 * SEGMENT_TICKETS[s]);
        Population {
            customers,
            by_segment,
            segment_weights,
            stalwarts,
        }
    }

    pub(crate) fn segment(&self, customer: u32) -> usize {
        self.customers
            .get(customer as usize)
            .map_or(2, |c| usize::from(c.segment))
    }

    /// A customer active on local day `day`, bigger customers more often.
    pub(crate) fn pick(&self, day: i64, rng: &mut Rng) -> u32 {
        if self.customers.is_empty() {
            return 0;
        }
        for _ in 0..16 {
            let s = rng.pick(&self.segment_weights);
            let pool = &self.by_segment[s];
            if pool.is_empty() {
                continue;
            }
            let i = pool[rng.below(pool.len() as u64) as usize];
            let c = &self.customers[i as usize];
            if c.acquired <= day && day < c.churned {
                return i;
            }
        }
        self.stalwarts[rng.below(self.stalwarts.len() as u64) as usize]
    }
}
