//! A small seeded random number generator and the distributions the generator draws from.
//!
//! Written here rather than taken from `rand` so that the data set a seed names can never
//! change under a dependency upgrade: the bytes of `supportkpi generate --seed 7` are part of
//! the project's contract (benchmarks and tests compare them).

/// SplitMix64: expands one `u64` into well-mixed seeds (Steele, Lea and Flood, 2014).
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna, 2018): the generator every draw comes from.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for one independent stream: `stream` names what it draws (a day, a
    /// ticket), so each record's randomness does not depend on how many draws came before it.
    pub(crate) fn stream(seed: u64, domain: u64, stream: u64) -> Self {
        let mut sm = SplitMix64::new(
            seed ^ domain.wrapping_mul(0xD1B5_4A32_D192_ED03)
                ^ stream.wrapping_mul(0xA24B_AED4_963E_E407),
        );
        let mut s = [sm.next_u64(), sm.next_u64(), sm.next_u64(), sm.next_u64()];
        // The all-zero state is the one state xoshiro cannot leave.
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1), 53 bits.
    pub(crate) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0. Lemire's multiply-shift (the bias is below 2^-32 for
    /// the small ranges used here, far under what a synthetic data set can show).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform integer in [lo, hi].
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Standard normal by Box–Muller (the cosine branch only: one draw, two uniforms, so the
    /// stream stays easy to reason about).
    pub(crate) fn normal(&mut self) -> f64 {
        // 1 - u is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.f64();
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal with the given median and log-space standard deviation.
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// An index drawn with probability proportional to `weights`.
    pub(crate) fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Poisson by inversion; for the small means it is used with.
    pub(crate) fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        let mut k = 0u64;
        let mut p = (-mean).exp();
        let mut cdf = p;
        let u = self.f64();
        while u > cdf && k < 10_000 {
            k += 1;
            p *= mean / k as f64;
            cdf += p;
        }
        k
    }

    /// Binomial(n, p): exact for small n, Poisson for rare events, normal otherwise. Used to
    /// split a fixed total over days (a multinomial, drawn one day at a time).
    pub(crate) fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if n <= 64 {
            return (0..n).filter(|_| self.chance(p)).count() as u64;
        }
        let mean = n as f64 * p;
        if mean < 30.0 {
            return self.poisson(mean).min(n);
        }
        let q = n as f64 * (1.0 - p);
        if q < 30.0 {
            return n - self.poisson(q).min(n);
        }
        let sd = (mean * (1.0 - p)).sqrt();
        (mean + sd * self.normal()).round().clamp(0.0, n as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_output() {
        // First outputs for seed 1234567 of the reference implementation (Vigna's splitmix64.c).
        let mut s = SplitMix64::new(1_234_567);
        assert_eq!(s.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(s.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::stream(7, 1, 2).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::stream(7, 1, 2).next_u64(),
            Rng::stream(7, 1, 3).next_u64()
        );
        assert_ne!(
            Rng::stream(7, 1, 2).next_u64(),
            Rng::stream(8, 1, 2).next_u64()
        );
    }

    #[test]
    fn distributions_have_their_moments() {
        let mut r = Rng::stream(1, 0, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");

        let mut ln: Vec<f64> = (0..n).map(|_| r.lognormal(60.0, 1.0)).collect();
        ln.sort_by(f64::total_cmp);
        let median = ln[n / 2];
        assert!((median - 60.0).abs() < 1.5, "{median}");

        let b: u64 = (0..1000).map(|_| r.binomial(1000, 0.3)).sum();
        assert!((b as f64 / 1000.0 - 300.0).abs() < 3.0, "{b}");
        let p: u64 = (0..10_000).map(|_| r.poisson(2.5)).sum();
        assert!((p as f64 / 10_000.0 - 2.5).abs() < 0.06, "{p}");
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[r.pick(&[1.0, 2.0, 3.0])] += 1;
        }
        assert!(
            (counts[2] as f64 / 30_000.0 - 0.5).abs() < 0.015,
            "{counts:?}"
        );
        assert!((0..1000).all(|_| r.below(7) < 7));
        assert!((0..1000).all(|_| (3..=5).contains(&r.range(3, 5))));
    }
}
