//! Integration tests of the core: one test binary, one module per area.

mod business_time;
mod derive;
mod durations;
mod money;
mod presets;
mod readers;
mod servicenow;
mod survey;
