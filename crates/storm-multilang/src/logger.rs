//! The `log` facade, routed to Storm's `log` command.
//!
//! A component logs with `log::info!` and friends; the record becomes a multilang `log`
//! command that Storm writes to the worker log at the same level. Records below the level set
//! with [`init`] are dropped by the `log` crate before any formatting, so a disabled per-tuple
//! log line costs one comparison.
//!
//! Records are queued (they may come from any thread) and the runner moves them into its
//! output buffer at its next safe point: after each message it handles and before each read.
//! Nothing is written before the handshake's `pid` reply.
//!
//! The test harness ([`crate::testing`]) captures the records of its own thread instead, so
//! tests running in parallel never see each other's records.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use log::{LevelFilter, Log, Metadata, Record};

static QUEUE: Mutex<Vec<(u8, String)>> = Mutex::new(Vec::new());
static PENDING: AtomicBool = AtomicBool::new(false);
/// Test harnesses alive in the process; while zero, nothing looks at [`CAPTURE`].
static CAPTURING: AtomicUsize = AtomicUsize::new(0);
static LOGGER: StormLogger = StormLogger;

thread_local! {
    /// Records of this thread, while a test harness on it captures them (a count of the
    /// harnesses alive on this thread, and their records).
    static CAPTURE: RefCell<Captured> = const {
        RefCell::new(Captured { captures: 0, records: Vec::new(), level: LevelFilter::Trace })
    };
}

/// One thread's capture: how many are alive on it, their records, the level they keep.
struct Captured {
    captures: usize,
    records: Vec<(u8, String)>,
    level: LevelFilter,
}

struct StormLogger;

impl Log for StormLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let entry = (storm_level(record.level()), record.args().to_string());
        let mut entry = Some(entry);
        if CAPTURING.load(Ordering::Relaxed) > 0 {
            // try_with: a record logged while this thread is being torn down goes to the queue.
            let _ = CAPTURE.try_with(|c| {
                let mut c = c.borrow_mut();
                if c.captures > 0 {
                    // Taken either way: a record below this thread's level is dropped here.
                    let entry = entry.take();
                    if record.level() <= c.level {
                        c.records.extend(entry);
                    }
                }
            });
        }
        if let Some(entry) = entry {
            let mut q = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
            q.push(entry);
            PENDING.store(true, Ordering::Release);
        }
    }

    fn flush(&self) {}
}

/// Installs the Storm logger with this level filter. Calling it again only changes the level.
pub fn init(level: LevelFilter) {
    // Fails only when a logger is already set (ours, from an earlier call, or the
    // component's own choice): either way, keep it.
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(level);
}

/// Installs the Storm logger and lets records of `level` through, keeping any more verbose
/// level already set: components sharing one process (the in-process mode) each filter their
/// own records, so the shared filter is the most verbose of theirs.
pub fn widen(level: LevelFilter) {
    let _ = log::set_logger(&LOGGER);
    if level > log::max_level() {
        log::set_max_level(level);
    }
}

/// Parses a level name as users write it (`info`, `WARN`, `off`, or Storm's numbers 0-4).
pub fn parse_level(s: &str) -> Option<LevelFilter> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "trace" | "0" => LevelFilter::Trace,
        "debug" | "1" => LevelFilter::Debug,
        "info" | "2" => LevelFilter::Info,
        "warn" | "warning" | "3" => LevelFilter::Warn,
        "error" | "4" => LevelFilter::Error,
        "off" | "none" => LevelFilter::Off,
        _ => return None,
    })
}

/// Hands every queued record, oldest first, to `write` as (Storm level number, message):
/// first this thread's captured ones (test harness), then the process-wide queue. The
/// connection encodes them; this module knows nothing of the wire.
#[inline]
pub(crate) fn drain(mut write: impl FnMut(u8, &str)) {
    if CAPTURING.load(Ordering::Relaxed) > 0 {
        let records = CAPTURE
            .try_with(|c| std::mem::take(&mut c.borrow_mut().records))
            .unwrap_or_default();
        for (level, msg) in records {
            write(level, &msg);
        }
    }
    if PENDING.load(Ordering::Acquire) {
        let mut q = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
        for (level, msg) in q.drain(..) {
            write(level, &msg);
        }
        PENDING.store(false, Ordering::Release);
    }
}

/// Log levels as Storm's multilang `log` command numbers them.
pub(crate) fn storm_level(level: log::Level) -> u8 {
    match level {
        log::Level::Trace => 0,
        log::Level::Debug => 1,
        log::Level::Info => 2,
        log::Level::Warn => 3,
        log::Level::Error => 4,
    }
}

/// While alive, records logged on this thread are kept apart from the process-wide queue and
/// drained, in order, into the output of this thread's runner (the test harness's).
/// Not `Send`: the count it keeps belongs to the thread that started it.
#[derive(Debug)]
pub(crate) struct Capture(std::marker::PhantomData<*const ()>);

impl Capture {
    /// Captures every level (the test harness).
    pub(crate) fn start() -> Self {
        Capture::start_at(LevelFilter::Trace)
    }

    /// Captures this thread's records at `level` or above and drops the others: a component in
    /// a shared process ([`crate::embed`]) logs at its own level whatever the process-wide one.
    pub(crate) fn start_at(level: LevelFilter) -> Self {
        CAPTURE.with(|c| {
            let mut c = c.borrow_mut();
            c.captures += 1;
            c.level = level;
        });
        CAPTURING.fetch_add(1, Ordering::Relaxed);
        Capture(std::marker::PhantomData)
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURING.fetch_sub(1, Ordering::Relaxed);
        let _ = CAPTURE.try_with(|c| {
            let mut c = c.borrow_mut();
            c.captures -= 1;
            if c.captures == 0 {
                c.records.clear();
            }
        });
    }
}
