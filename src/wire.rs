//! The bytes of a [`ReportState`](crate::report::ReportState): a small hand-rolled binary format.
//!
//! Integers are LEB128 varints (signed ones zigzag-encoded first), so a count or a duration
//! takes as many bytes as its magnitude needs (a duration under 24 days: 3 bytes); text and
//! nested JSON are a varint length and their bytes. The reader never trusts a length: it
//! checks it against the bytes left before allocating, so a damaged state is an
//! [`ErrorKind::InvalidState`] error, never a panic or a huge allocation.
//!
//! The hashes are written out here rather than taken from the standard library, whose
//! `DefaultHasher` is SipHash with keys that may change between Rust versions: a state's
//! checksum and the partition of a ticket id must be the same on every platform and version.

use crate::error::{Error, ErrorKind};

/// FNV-1a, 64 bits: offset basis and prime of the published algorithm.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `bytes`.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// MurmurHash3's 64-bit finalizer: spreads FNV's weak high bits (FNV-1a's low bits mix well,
/// its high bits less so, and the bucket is taken from the high bits).
pub(crate) fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// An [`ErrorKind::InvalidState`] error about a report state.
pub(crate) fn invalid(rule: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidState, rule).with_record_type("report_state")
}

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(crate) fn u64(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub(crate) fn u128(&mut self, v: u128) {
        self.u64(v as u64);
        self.u64((v >> 64) as u64);
    }

    pub(crate) fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }

    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// A value as JSON (the small parts with rich types: options, costs, customers).
    pub(crate) fn json<T: serde::Serialize>(&mut self, v: &T) -> Result<(), Error> {
        let json = serde_json::to_vec(v).map_err(|e| invalid(e.to_string()))?;
        self.bytes(&json);
        Ok(())
    }
}

/// Reads values back, refusing anything short or malformed.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn short() -> Error {
        invalid("the state ends early (truncated)")
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        let b = *self.buf.get(self.pos).ok_or_else(Self::short)?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.left() {
            return Err(Self::short());
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub(crate) fn u64(&mut self) -> Result<u64, Error> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(invalid("a number overflows 64 bits"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(invalid("a number overflows 64 bits"))
    }

    pub(crate) fn u128(&mut self) -> Result<u128, Error> {
        let lo = self.u64()?;
        let hi = self.u64()?;
        Ok(u128::from(lo) | (u128::from(hi) << 64))
    }

    pub(crate) fn i64(&mut self) -> Result<i64, Error> {
        let z = self.u64()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    /// A count of items that each take at least `min_bytes` bytes: larger than the bytes left
    /// can hold is damage (and would otherwise allocate a damaged length).
    pub(crate) fn len(&mut self, min_bytes: usize) -> Result<usize, Error> {
        let n = self.u64()?;
        match usize::try_from(n) {
            Ok(n) if n.saturating_mul(min_bytes.max(1)) <= self.left() => Ok(n),
            _ => Err(Self::short()),
        }
    }

    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.len(1)?;
        self.take(n)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, Error> {
        std::str::from_utf8(self.bytes()?).map_err(|_| invalid("a text is not UTF-8"))
    }

    pub(crate) fn json<T: serde::de::DeserializeOwned>(&mut self, what: &str) -> Result<T, Error> {
        serde_json::from_slice(self.bytes()?).map_err(|e| invalid(format!("{what}: {e}")))
    }

    /// A flag byte: 0 or 1.
    pub(crate) fn flag(&mut self) -> Result<bool, Error> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(invalid(format!("a flag byte is 0 or 1, not {b}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn varints_round_trip_and_refuse_damage() {
        let mut w = Writer::default();
        let values = [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        for v in values {
            w.u64(v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            w.i64(v);
        }
        w.u128(u128::MAX - 5);
        assert_eq!(w.buf[..5], [0, 1, 127, 0x80, 1]);
        let mut r = Reader::new(&w.buf);
        for v in values {
            assert_eq!(r.u64().unwrap(), v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.i64().unwrap(), v);
        }
        assert_eq!(r.u128().unwrap(), u128::MAX - 5);
        assert_eq!(r.left(), 0);
        // Eleven continuation bytes, and a tenth byte above 1, overflow.
        assert!(Reader::new(&[0xff; 11]).u64().is_err());
        let mut big = vec![0xff; 9];
        big.push(0x02);
        assert!(Reader::new(&big).u64().is_err());
        // A length longer than what is left.
        assert!(Reader::new(&[5, b'a']).bytes().is_err());
    }
}
