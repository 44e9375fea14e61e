//! The readers' bound on one line, so that an input without line ends (`/dev/zero`, a binary
//! file given by mistake) is an error after a bounded read instead of a buffer that grows
//! until the allocator aborts; and their refusal of CR-only line ends (classic Mac), which
//! the line splitters would read as one long first line (a header and no records).

use std::io::{self, Read};

/// The longest line a reader accepts: 16 MiB, thousands of times a real helpdesk row (a long
/// description included) and small enough that the buffers holding one stay small.
pub const MAX_LINE_BYTES: u64 = 16 << 20;

/// A reader that fails with [`io::ErrorKind::InvalidData`] once more than
/// [`MAX_LINE_BYTES`] pass without a line feed.
#[derive(Debug)]
pub(crate) struct LineLimit<R> {
    inner: R,
    /// Bytes since the last line feed.
    run: u64,
    /// Bytes read in all.
    offset: u64,
    max: u64,
    /// Whether a line feed has been read: until then a lone CR is looked for.
    seen_lf: bool,
}

impl<R> LineLimit<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineLimit {
            inner,
            run: 0,
            offset: 0,
            max: MAX_LINE_BYTES,
            seen_lf: false,
        }
    }

    /// No bound on a line (the CR-only check stays): for text the library wrote itself.
    pub(crate) fn unbounded(inner: R) -> Self {
        LineLimit {
            max: u64::MAX,
            ..LineLimit::new(inner)
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.run > self.max {
            return Err(self.too_long());
        }
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        if !self.seen_lf {
            let first_lf = got.iter().position(|&b| b == b'\n');
            let head = &got[..first_lf.unwrap_or(n)];
            // A CR followed by anything but LF before the first LF: the file's lines end in CR.
            if head.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the first line ends with a lone CR (classic Mac line ends): the readers \
                     take LF or CRLF line ends; convert the file (e.g. tr '\\r' '\\n')",
                ));
            }
            self.seen_lf = first_lf.is_some();
        }
        // A line feed is usually near the end of what was read: the scan from the back is short.
        self.run = match got.iter().rposition(|&b| b == b'\n') {
            Some(i) => (n - i - 1) as u64,
            None => self.run + n as u64,
        };
        self.offset += n as u64;
        if self.run > self.max {
            return Err(self.too_long());
        }
        Ok(n)
    }
}

impl<R> LineLimit<R> {
    fn too_long(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "no line feed in the {} bytes before byte {}: a line is at most {} MiB \
                 (a file without line ends, or not a CSV or JSON Lines file)",
                self.run,
                self.offset,
                self.max >> 20
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_without_line_feeds_is_cut_off() {
        let mut r = LineLimit::new(std::io::repeat(0));
        r.max = 1000;
        let mut sink = Vec::new();
        let err = r.read_to_end(&mut sink).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(sink.len() <= 1000 + 8192, "{}", sink.len());
        let mut r = LineLimit::new(&b"ab\ncd\n"[..]);
        r.max = 2;
        let mut out = String::new();
        r.read_to_string(&mut out).unwrap();
        assert_eq!(out, "ab\ncd\n");
    }

    #[test]
    fn cr_only_line_ends_are_refused_crlf_and_later_crs_are_not() {
        let mut out = Vec::new();
        let err = LineLimit::new(&b"id,created_at\rT-1,2021\r"[..])
            .read_to_end(&mut out)
            .unwrap_err();
        assert!(err.to_string().contains("lone CR"), "{err}");
        for ok in [&b"a,b\r\nc,d\r\n"[..], b"a,b\nc,\"x\ry\"\n"] {
            let mut out = Vec::new();
            LineLimit::new(ok).read_to_end(&mut out).unwrap();
            assert_eq!(out, ok);
        }
    }
}
