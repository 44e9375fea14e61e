//! Progress on standard error, for work that takes more than a moment, and only when standard
//! error is a terminal: a pipe, a file or a CI log gets nothing.
//!
//! Reading files goes through `supportkpi::io::load`, which reports no progress of its own, so
//! that phase shows a spinner with the elapsed time; `generate` knows its total and shows a bar.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Nothing shows before this: quick runs stay quiet.
const DELAY: Duration = Duration::from_millis(400);
const TICK: Duration = Duration::from_millis(120);

/// A line on stderr redrawn until dropped; a no-op when stderr is not a terminal.
pub(crate) struct Spinner {
    state: Option<(Arc<Shared>, JoinHandle<()>)>,
}

struct Shared {
    done: AtomicBool,
    /// For a bar: work done and the total (0: no total, a spinner).
    count: AtomicU64,
    total: u64,
    label: String,
}

impl Spinner {
    /// A spinner labelled `label`.
    pub(crate) fn start(label: String) -> Spinner {
        Spinner::with_total(label, 0)
    }

    /// A bar towards `total` (advance it with [`set`](Spinner::set)).
    pub(crate) fn with_total(label: String, total: u64) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner { state: None };
        }
        let shared = Arc::new(Shared {
            done: AtomicBool::new(false),
            count: AtomicU64::new(0),
            total,
            label,
        });
        let s = Arc::clone(&shared);
        let handle = std::thread::spawn(move || {
            let start = Instant::now();
            let mut shown = false;
            let frames = ['|', '/', '-', '\\'];
            let mut i = 0;
            while !s.done.load(Ordering::Relaxed) {
                std::thread::sleep(TICK);
                if start.elapsed() < DELAY {
                    continue;
                }
                let label = &s.label;
                let secs = start.elapsed().as_secs_f64();
                let line = if s.total > 0 {
                    let n = s.count.load(Ordering::Relaxed).min(s.total);
                    let frac = n as f64 / s.total as f64;
                    let width = 30;
                    let filled = (frac * width as f64) as usize;
                    format!(
                        "{label} [{}{}] {:>3.0}% {secs:.0}s",
                        "#".repeat(filled),
                        " ".repeat(width - filled),
                        100.0 * frac
                    )
                } else {
                    format!("{} {label}... {secs:.1}s", frames[i % frames.len()])
                };
                i += 1;
                let mut err = std::io::stderr().lock();
                // \x1b[2K clears the line; the bar never scrolls the terminal.
                let _ = write!(err, "\r\x1b[2K{line}");
                let _ = err.flush();
                shown = true;
            }
            if shown {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            }
        });
        Spinner {
            state: Some((shared, handle)),
        }
    }

    /// Sets the work done (bars only).
    pub(crate) fn set(&self, n: u64) {
        if let Some((s, _)) = &self.state {
            s.count.store(n, Ordering::Relaxed);
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some((s, handle)) = self.state.take() {
            s.done.store(true, Ordering::Relaxed);
            let _ = handle.join();
        }
    }
}
