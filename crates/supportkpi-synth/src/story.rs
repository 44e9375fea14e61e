//! One ticket's life: who filed it, on which channel, how long support took to answer and to
//! solve it, the conversation in between, reopens, and the surveys afterwards.
//!
//! Stories are plain numbers (UTC seconds, indices into the tables below) so that writing ten
//! million of them allocates nothing per ticket; [`super::SynthTicket`] turns one into records.

use super::Synth;
use super::rng::Rng;
use supportkpi::model::{Author, Status, SurveyKind};

pub(crate) const CHANNELS: [&str; 4] = ["email", "web", "chat", "phone"];
const CHANNEL_WEIGHTS: [f64; 4] = [0.42, 0.26, 0.22, 0.10];
pub(crate) const PRIORITIES: [&str; 4] = ["urgent", "high", "normal", "low"];
pub(crate) const SEGMENTS: [&str; 3] = ["enterprise", "mid_market", "smb"];
/// Enterprise customers file more urgent tickets.
const PRIORITY_WEIGHTS: [[f64; 4]; 3] = [
    [0.06, 0.22, 0.56, 0.16],
    [0.03, 0.16, 0.60, 0.21],
    [0.02, 0.12, 0.60, 0.26],
];
pub(crate) const TEAMS: [&str; 3] = ["tier1", "tier2", "billing"];
/// Agents 1-16 work tier 1, 17-22 tier 2, 23-24 billing.
const TEAM_AGENTS: [(u8, u8); 3] = [(1, 16), (17, 22), (23, 24)];

/// Median wait for a first response once support is open, minutes, by channel.
const FRT_MEDIAN_MIN: [f64; 4] = [150.0, 95.0, 2.5, 1.2];
/// …scaled by priority.
const FRT_PRIORITY: [f64; 4] = [0.25, 0.5, 1.0, 1.5];
/// Median time from creation to resolution, hours, by priority (email and web).
const RES_MEDIAN_H: [f64; 4] = [3.0, 9.0, 20.0, 36.0];
/// Share of tickets solved with one agent reply, by channel.
const ONE_TOUCH: [f64; 4] = [0.36, 0.42, 0.6, 0.66];

/// What happened, in the canonical event vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Happening {
    Created,
    Reply { author: Author, public: bool },
    Status(Status),
    Assigned,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Ev {
    pub(crate) at: i64,
    pub(crate) what: Happening,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Sv {
    pub(crate) at: i64,
    pub(crate) kind: SurveyKind,
    pub(crate) score: i32,
}

/// One ticket, its events in time order (each strictly after the one before, so the order of
/// the log never depends on tie-breaking) and the summary those events derive to.
#[derive(Debug, Clone)]
pub(crate) struct Story {
    pub(crate) index: u64,
    pub(crate) created: i64,
    pub(crate) customer: u32,
    pub(crate) channel: u8,
    pub(crate) priority: u8,
    pub(crate) team: u8,
    pub(crate) assignee: u8,
    pub(crate) events: Vec<Ev>,
    pub(crate) surveys: Vec<Sv>,
    pub(crate) first_response: Option<i64>,
    pub(crate) first_resolved: Option<i64>,
    pub(crate) resolved: Option<i64>,
    pub(crate) status: Status,
    pub(crate) agent_replies: u32,
    pub(crate) reopens: u32,
}

impl Story {
    pub(crate) fn new() -> Story {
        Story {
            index: 0,
            created: 0,
            customer: 0,
            channel: 0,
            priority: 0,
            team: 0,
            assignee: 0,
            events: Vec::new(),
            surveys: Vec::new(),
            first_response: None,
            first_resolved: None,
            resolved: None,
            status: Status::New,
            agent_replies: 0,
            reopens: 0,
        }
    }

    fn push(&mut self, at: i64, what: Happening) -> i64 {
        let at = match self.events.last() {
            Some(last) => at.max(last.at + 1),
            None => at,
        };
        self.events.push(Ev { at, what });
        at
    }

    /// The summary the derivation rules of [`supportkpi::model::derive_histories`] give for these
    /// events; a test checks the two agree on every generated ticket.
    fn summarize(&mut self) {
        let mut status = Status::New;
        let mut resolutions: Vec<i64> = Vec::new();
        self.first_response = None;
        self.agent_replies = 0;
        self.reopens = 0;
        for e in &self.events {
            match e.what {
                Happening::Reply {
                    author: Author::Agent,
                    public: true,
                } => {
                    self.first_response.get_or_insert(e.at);
                    self.agent_replies += 1;
                }
                Happening::Status(to) if to != status => {
                    use supportkpi::model::StatusCategory::{Open, Resolved};
                    match (status.category(), to.category()) {
                        (Resolved, Open) => self.reopens += 1,
                        (from, Resolved) if from != Resolved => resolutions.push(e.at),
                        _ => {}
                    }
                    status = to;
                }
                _ => {}
            }
        }
        self.status = status;
        let ends_resolved = status.category() == supportkpi::model::StatusCategory::Resolved;
        self.first_resolved = resolutions.first().copied().filter(|_| ends_resolved);
        self.resolved = resolutions.last().copied().filter(|_| ends_resolved);
    }
}

impl Synth {
    /// Agents work when support is open: an action due while it is closed waits for the
    /// next opening, plus the time it takes to get to it.
    fn agent_time(&self, t: i64, rng: &mut Rng) -> i64 {
        if self.shape.is_open(t) {
            t
        } else {
            self.shape.next_open(t) + rng.range(60, 2700)
        }
    }

    /// Fills `story` with ticket `index`, created at `created` (UTC seconds).
    pub(crate) fn tell(&self, index: u64, created: i64, story: &mut Story) {
        let mut rng = Rng::stream(self.options.seed, super::DOMAIN_TICKET, index);
        story.events.clear();
        story.surveys.clear();
        story.index = index;
        story.created = created;
        let day = self.shape.day_of(created);
        let spike = self.shape.in_spike(day);
        story.customer = self.population.pick(day, &mut rng);
        let segment = self.population.segment(story.customer);
        let channel = rng.pick(&CHANNEL_WEIGHTS);
        let mut pw = PRIORITY_WEIGHTS[segment];
        if spike {
            // A broken release files urgent tickets.
            pw[0] *= 3.0;
            pw[1] *= 2.0;
        }
        let priority = rng.pick(&pw);
        let team = if rng.chance(0.1) {
            2
        } else if priority <= 1 && rng.chance(0.5) {
            1
        } else {
            0
        };
        let (lo, hi) = TEAM_AGENTS[team];
        story.channel = channel as u8;
        story.priority = priority as u8;
        story.team = team as u8;
        story.assignee = rng.range(i64::from(lo), i64::from(hi)) as u8;

        let c = created;
        story.push(c, Happening::Created);
        // Web forms and chat have a bot that answers first.
        if (1..=2).contains(&channel) && rng.chance(0.45) {
            story.push(
                c + rng.range(3, 40),
                Happening::Reply {
                    author: Author::Bot,
                    public: true,
                },
            );
        }
        let routed = story.push(c + rng.range(20, 90), Happening::Assigned);

        if rng.chance(0.015) {
            // Never answered: spam cancelled a day or so later, or lost in the queue.
            if rng.chance(0.5) {
                let at = self.agent_time(c + rng.lognormal(86_400.0, 1.0) as i64, &mut rng);
                story.push(at, Happening::Status(Status::Cancelled));
            }
            return self.finish(story, &mut rng, spike);
        }

        let slow = if spike { 2.2 } else { 1.0 };
        let wait = rng
            .lognormal(
                FRT_MEDIAN_MIN[channel] * FRT_PRIORITY[priority] * slow * 60.0,
                0.9,
            )
            .max(20.0) as i64;
        let first = self.agent_time(self.shape.next_open(routed) + wait, &mut rng);
        let agent = Happening::Reply {
            author: Author::Agent,
            public: true,
        };
        let customer = Happening::Reply {
            author: Author::Customer,
            public: true,
        };
        let t = story.push(first, agent);
        let mut t = story.push(t + 1, Happening::Status(Status::Open));

        let touches = if rng.chance(ONE_TOUCH[channel]) {
            1
        } else {
            2 + rng.poisson(1.2).min(8)
        };
        let fast = if channel >= 2 { 0.35 } else { 1.0 };
        let res_target =
            c + rng.lognormal(RES_MEDIAN_H[priority] * 3600.0 * fast * slow, 1.1) as i64;
        for k in 1..touches {
            // Spread the back-and-forth over the time the ticket takes.
            let remaining = (touches - k) as i64;
            let gap = ((res_target - t) / (remaining + 1)).max(300);
            let waits_on_customer = rng.chance(0.3);
            if waits_on_customer {
                t = story.push(t + 1, Happening::Status(Status::Pending));
            }
            t = story.push(t + rng.range(gap / 3, gap), customer);
            if waits_on_customer {
                t = story.push(t + 1, Happening::Status(Status::Open));
            }
            if rng.chance(0.2) {
                let note = Happening::Reply {
                    author: Author::Agent,
                    public: false,
                };
                let at = self.agent_time(t + rng.range(120, 3600), &mut rng);
                t = story.push(at, note);
            }
            let at = self.agent_time(t + rng.lognormal(5400.0 * fast, 0.8) as i64, &mut rng);
            t = story.push(at, agent);
        }
        if rng.chance(0.05) {
            // Waiting on engineering.
            t = story.push(t + 1, Happening::Status(Status::OnHold));
            t = story.push(
                t + rng.lognormal(2.0 * 86_400.0, 0.8) as i64,
                Happening::Status(Status::Open),
            );
        }
        let mut solved = self.agent_time(res_target.max(t + rng.range(60, 1800)), &mut rng);
        solved = story.push(solved, Happening::Status(Status::Solved));

        let mut reopen_p = 0.06;
        while rng.chance(reopen_p) {
            let t = story.push(solved + rng.lognormal(86_400.0, 1.0) as i64, customer);
            let t = story.push(t + 1, Happening::Status(Status::Open));
            let at = self.agent_time(t + rng.lognormal(7200.0, 0.9) as i64, &mut rng);
            let t = story.push(at, agent);
            let at = self.agent_time(t + rng.lognormal(6.0 * 3600.0, 1.0) as i64, &mut rng);
            solved = story.push(at, Happening::Status(Status::Solved));
            reopen_p = 0.15;
        }
        // Solved tickets close by themselves four days later.
        story.push(
            solved + 4 * 86_400 + rng.range(0, 3600),
            Happening::Status(Status::Closed),
        );
        self.finish(story, &mut rng, spike)
    }

    /// Cuts the story at the end of the range (the export is taken then), derives the summary
    /// and adds the surveys a resolved ticket draws.
    fn finish(&self, story: &mut Story, rng: &mut Rng, spike: bool) {
        let end = self.shape.end();
        story.events.retain(|e| e.at < end);
        story.summarize();
        let Some(resolved) = story.resolved else {
            return;
        };
        let c = story.created;
        let frt_h = story
            .first_response
            .map_or(0.0, |f| (f - c) as f64 / 3600.0);
        let res_d = (resolved - c) as f64 / 86_400.0;
        let reopens = f64::from(story.reopens);
        // How the customer felt, before survey noise.
        let feeling = 4.75
            - 0.18 * (1.0 + frt_h).ln()
            - 0.25 * (1.0 + res_d).ln()
            - 0.9 * reopens
            - if spike { 0.3 } else { 0.0 };
        let replies = f64::from(story.agent_replies.saturating_sub(1).min(6));
        let day = self.shape.day_of(resolved);
        let (wave_first, wave_last) = self.shape.churn_wave;
        // Customers about to leave in the churn wave say so first.
        let souring = day >= i64::from(wave_first) - 45 && day <= i64::from(wave_last);
        let base = [8.2, 8.4, 8.6][self.population.segment(story.customer)];
        let surveys = &mut story.surveys;
        let mut survey = |kind: SurveyKind, p: f64, score: &dyn Fn(&mut Rng) -> i32| {
            if rng.chance(p) {
                let at = resolved + rng.lognormal(3.0 * 3600.0, 1.2).max(60.0) as i64;
                let score = score(rng);
                if at < end {
                    surveys.push(Sv { at, kind, score });
                }
            }
        };
        survey(SurveyKind::Csat, 0.3, &|r: &mut Rng| {
            (feeling + 0.75 * r.normal()).round().clamp(1.0, 5.0) as i32
        });
        survey(SurveyKind::Ces, 0.12, &|r: &mut Rng| {
            (1.7 + 0.35 * replies + 0.9 * reopens + 0.2 * (1.0 + res_d).ln() + 0.8 * r.normal())
                .round()
                .clamp(1.0, 5.0) as i32
        });
        survey(SurveyKind::Nps, 0.1, &|r: &mut Rng| {
            (base + 1.2 * (feeling - 4.3) - if souring { 1.5 } else { 0.0 } + 1.6 * r.normal())
                .round()
                .clamp(0.0, 10.0) as i32
        });
    }
}
