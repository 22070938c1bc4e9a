//! The guard's telemetry: reports wait in a bounded queue (past its capacity new ones are
//! dropped and counted) and a background thread sends them in batches, when a batch is full,
//! every flush interval, and on `flush`; after a failed batch it backs off before the next one.

use crate::logging::event;
use crate::transport::backoff;
use crate::{AgentTrustClient, AgentTrustError, TelemetryEvent};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest pause after failed batches, in flush intervals.
const MAX_BACKOFF_INTERVALS: u32 = 12;

pub(crate) struct Config {
    pub agent_id: String,
    pub session_id: String,
    pub batch_size: usize,
    pub capacity: usize,
    pub interval: Duration,
}

#[derive(Default)]
struct State {
    queue: VecDeque<TelemetryEvent>,
    closed: bool,
    stop: bool,
    exited: bool,
    flush_asked: u64,
    flush_done: u64,
    flush_error: Option<AgentTrustError>,
    in_flight: usize,
    sent: u64,
    dropped: u64,
    failed_batches: u64,
    /// Clients the worker drops when it exits (a blocking client must not be dropped inside an
    /// async runtime, where a guard may be dropped).
    graveyard: Vec<AgentTrustClient>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    done: Condvar,
}

pub(crate) struct Telemetry {
    cfg: Arc<Config>,
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// Counters of the telemetry queue.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Counts {
    pub sent: u64,
    pub dropped: u64,
    pub queued: u64,
    pub failed_batches: u64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Telemetry {
    pub fn new(cfg: Config) -> Self {
        Self {
            cfg: Arc::new(cfg),
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
                done: Condvar::new(),
            }),
            worker: Mutex::new(None),
        }
    }

    /// Queues one event; never blocks on the network, never fails.
    pub fn push(&self, client: &AgentTrustClient, event: TelemetryEvent) {
        {
            let mut st = self.shared.lock();
            if st.closed || st.queue.len() >= self.cfg.capacity {
                st.dropped += 1;
                // Warned at 1, 2, 4, 8, ... drops: a full queue must not flood the log.
                if st.dropped.is_power_of_two() {
                    let why = if st.closed {
                        "the guard is closed"
                    } else {
                        "the queue is full"
                    };
                    event!(
                        client.inner.log,
                        Warn,
                        "telemetry report dropped: {why} ({} dropped so far)",
                        st.dropped
                    );
                }
                return;
            }
            st.queue.push_back(event);
            if st.queue.len() >= self.cfg.batch_size {
                self.shared.wake.notify_one();
            }
        }
        self.start(client);
    }

    fn start(&self, client: &AgentTrustClient) {
        let mut w = self.worker.lock().unwrap_or_else(|p| p.into_inner());
        if w.is_some() {
            return;
        }
        let (cfg, shared, client) = (self.cfg.clone(), self.shared.clone(), client.clone());
        *w = std::thread::Builder::new()
            .name("agenttrust-telemetry".into())
            .spawn(move || run(&cfg, &shared, client))
            .ok();
    }

    fn started(&self) -> bool {
        self.worker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Waits until every queued report was sent or dropped, up to `bound`.
    pub fn flush(&self, bound: Duration) -> crate::Result<()> {
        if !self.started() {
            return Ok(());
        }
        let deadline = Instant::now() + bound;
        let mut st = self.shared.lock();
        if st.exited {
            return Ok(());
        }
        st.flush_asked += 1;
        let ticket = st.flush_asked;
        self.shared.wake.notify_one();
        while st.flush_done < ticket && !st.exited {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(AgentTrustError::client(
                    crate::ErrorCode::Timeout,
                    "telemetry flush timed out",
                ));
            }
            st = self
                .shared
                .done
                .wait_timeout(st, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        match st.flush_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Flushes, then stops the worker (up to `bound` in all); later reports are dropped.
    pub fn close(&self, bound: Duration) -> crate::Result<()> {
        let started = Instant::now();
        let flushed = self.flush(bound);
        {
            let mut st = self.shared.lock();
            st.closed = true;
            st.stop = true;
            self.shared.wake.notify_one();
        }
        let handle = self.worker.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = handle {
            let mut st = self.shared.lock();
            while !st.exited {
                let left = bound.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break;
                }
                st = self
                    .shared
                    .done
                    .wait_timeout(st, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
            let exited = st.exited;
            drop(st);
            if exited {
                let _ = h.join();
            }
        }
        flushed
    }

    /// Hands a client to the worker (or a thread of its own) to drop, off the caller's thread.
    pub fn bury(&self, client: AgentTrustClient) {
        let mut st = self.shared.lock();
        if self
            .worker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
            && !st.exited
        {
            st.graveyard.push(client);
            return;
        }
        drop(st);
        let _ = std::thread::Builder::new()
            .name("agenttrust-drop".into())
            .spawn(move || drop(client));
    }

    pub fn counts(&self) -> Counts {
        let st = self.shared.lock();
        Counts {
            sent: st.sent,
            dropped: st.dropped,
            queued: (st.queue.len() + st.in_flight) as u64,
            failed_batches: st.failed_batches,
        }
    }
}

fn run(cfg: &Config, shared: &Shared, client: AgentTrustClient) {
    let mut quiet_until: Option<Instant> = None;
    let mut failures = 0u32;
    let mut next_tick = Instant::now() + cfg.interval;
    let mut st = shared.lock();
    loop {
        if st.stop {
            let n = st.queue.len() as u64;
            st.queue.clear();
            st.dropped += n;
            break;
        }
        let now = Instant::now();
        let flush = st.flush_done < st.flush_asked;
        let quiet = quiet_until.is_some_and(|q| now < q);
        let tick = now >= next_tick;
        let full = st.queue.len() >= cfg.batch_size;
        if flush || (!quiet && (tick || full)) {
            let target = st.flush_asked;
            let mut error = None;
            // A tick or a flush drains the queue; a full queue sends only full batches.
            while !st.queue.is_empty() && (flush || tick || st.queue.len() >= cfg.batch_size) {
                let n = st.queue.len().min(cfg.batch_size);
                let batch: Vec<TelemetryEvent> = st.queue.drain(..n).collect();
                st.in_flight = n;
                drop(st);
                let result = client
                    .telemetry()
                    .report(&cfg.agent_id, &cfg.session_id, &batch);
                st = shared.lock();
                st.in_flight = 0;
                match result {
                    Ok(_) => {
                        st.sent += n as u64;
                        failures = 0;
                        event!(client.inner.log, Info, "telemetry batch sent: {n} events");
                    }
                    Err(e) => {
                        event!(
                            client.inner.log,
                            Warn,
                            "telemetry batch failed, {n} events dropped: {} {}",
                            e.class_name(),
                            e.code()
                        );
                        st.failed_batches += 1;
                        st.dropped += n as u64;
                        quiet_until = Some(
                            Instant::now()
                                + backoff(
                                    failures,
                                    cfg.interval,
                                    cfg.interval * MAX_BACKOFF_INTERVALS,
                                ),
                        );
                        failures += 1;
                        error = Some(e);
                        if !flush {
                            break;
                        }
                    }
                }
            }
            if tick {
                next_tick = Instant::now() + cfg.interval;
            }
            if flush {
                st.flush_done = target;
                st.flush_error = error;
                shared.done.notify_all();
            }
            continue;
        }
        if tick {
            next_tick = now + cfg.interval;
        }
        let wait = next_tick
            .saturating_duration_since(now)
            .max(Duration::from_millis(1));
        st = shared
            .wake
            .wait_timeout(st, wait)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    }
    st.exited = true;
    st.flush_done = st.flush_asked;
    let graveyard = std::mem::take(&mut st.graveyard);
    shared.done.notify_all();
    drop(st);
    drop(graveyard);
    drop(client);
}
