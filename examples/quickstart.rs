//! The main job on the bundled sample data (filled in as the KPIs land).
fn main() {}
