//! Integration tests of the core: one test binary, one module per area.

#[cfg(feature = "arrow")]
mod arrow_readers;
mod backlog;
mod business_time;
mod clock;
mod columnar;
mod columnar_load;
mod derive;
mod drill_down;
mod durations;
mod fuzz_corpus;
mod hardening;
mod imports;
mod lenient_accounting;
mod money;
mod presets;
mod presets_api;
mod presets_json;
mod readers;
mod report;
mod revenue_sweep;
mod rows_bound;
mod sections;
mod servicenow;
mod sla;
mod survey;
mod ticket_times;
mod tickets;
mod volume;
