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

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use log::{LevelFilter, Log, Metadata, Record};

use crate::output::{encode, storm_level, Format};

static QUEUE: Mutex<Vec<(u8, String)>> = Mutex::new(Vec::new());
static PENDING: AtomicBool = AtomicBool::new(false);
static LOGGER: StormLogger = StormLogger;

struct StormLogger;

impl Log for StormLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let msg = record.args().to_string();
        let mut q = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
        q.push((storm_level(record.level()), msg));
        PENDING.store(true, Ordering::Release);
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

/// Moves queued records into `out`, encoded as `format`.
#[inline]
pub(crate) fn drain_into(out: &mut Vec<u8>, format: Format) {
    if PENDING.load(Ordering::Acquire) {
        let mut q = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
        for (level, msg) in q.drain(..) {
            encode::log(format, out, level, &msg);
        }
        PENDING.store(false, Ordering::Release);
    }
}
