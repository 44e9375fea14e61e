//! Integration tests of the core: one test binary, one module per area.

mod durations;
mod money;
mod survey;
