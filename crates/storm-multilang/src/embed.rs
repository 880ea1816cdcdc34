//! Components driven without a process: one message in, its answers out, on the caller's
//! thread. The safe half of the in-process mode (the JNI half is `inproc`, behind
//! the `jni` feature).
//!
//! A host that runs a component inside its own process (Storm's worker, over JNI) hands it
//! the same messages a pipe would carry, SMB1-encoded, one at a time, and reads back the same
//! answers: emits, acks, fails, logs, errors, metrics and `sync`, as SMB1 frames (each with
//! its 4-byte length). Everything between is the runners' own code: the bolt's and spout's
//! `step`, the handshake's setup parsing, the command line and conf settings of [`crate::cli`].
//! Only the pipe is gone, and with it the pid file and the heartbeats.
//!
//! ```
//! use storm_multilang::cli::App;
//! use storm_multilang::embed::{Embedded, EmbeddedBolt};
//! use storm_multilang::{Bolt, BoltOutput, FieldError, Tuple};
//!
//! struct Upper;
//! impl Bolt for Upper {
//!     type Error = FieldError;
//!     fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), FieldError> {
//!         out.emit((t.str(0)?.to_uppercase(),));
//!         Ok(())
//!     }
//! }
//! static APP: App = App { name: "upper", version: "1", about: "", options: &[] };
//!
//! let setup = storm_multilang::embed::setup_message(r#"{"conf":{},"context":{},"pidDir":""}"#);
//! let mut out = Vec::new();
//! let mut bolt = EmbeddedBolt::start(&APP, &[], |_| Upper, &setup, &mut out).unwrap();
//! let tuple = storm_multilang::embed::tuple_message("7", "spout", "default", 3, &["moo"]);
//! bolt.handle(&tuple, &mut out);
//! // An emit (kind 0x11) and an ack (kind 0x12), each a frame with its length.
//! assert_eq!(out[4], 0x11);
//! ```
//!
//! Panics in the component's code are caught here: the message's answers so far are dropped,
//! the panic is reported (`error`, and stderr), a tuple is failed and a spout command still
//! answered with `sync`, and the component goes on with the next message.

use std::panic::{catch_unwind, AssertUnwindSafe};

use log::LevelFilter;

use crate::answer::{Answer, Session};
use crate::bolt;
use crate::cli::{self, App, Args, BoltMain, Host, SpoutMain};
use crate::codec::{Codec, Smb1};
use crate::connection::{conf_limit, parse_setup};
use crate::frame::{Frame, DEFAULT_MAX_MESSAGE};
use crate::logger::Capture;
use crate::spout;
use crate::{Bolt, Setup, Spout};

/// A component driven by its host, message by message: what the JNI layer holds per task.
/// `Send`, because a host may free it on another thread than the one that called it (Storm
/// shuts a task down from its own thread).
pub trait Embedded: Send {
    /// Handles one message (an SMB1 payload, without its length) and appends the answers to
    /// `out` as SMB1 frames. Never panics because of the component; never blocks but for the
    /// component's own code.
    fn handle(&mut self, message: &[u8], out: &mut Vec<u8>);
}

/// The state every embedded component keeps beside the component itself.
#[derive(Debug)]
struct Core {
    session: Session,
    limit: usize,
}

impl Core {
    /// Parses the setup and applies its message size limit unless a flag set one.
    fn start(setup: &[u8], flag_limit: Option<usize>) -> Result<(Self, Setup), String> {
        let setup = parse_setup(setup, true).map_err(|e| e.to_string())?;
        let limit = match flag_limit {
            Some(n) => n,
            None => conf_limit(&setup)
                .map_err(|e| e.to_string())?
                .unwrap_or(DEFAULT_MAX_MESSAGE),
        };
        let mut session = Session::default();
        session.name_after(&setup);
        Ok((Core { session, limit }, setup))
    }

    /// Builds a component from its arguments (`wrap`: in the cli's wrapper, which applies the
    /// conf's log level and warns about unknown keys), reads the setup and calls its `prepare`
    /// or `open` (`first`); what that sends goes to `out`.
    #[allow(clippy::too_many_arguments)]
    fn start_component<C>(
        app: &'static App,
        args: &[String],
        setup: &[u8],
        out: &mut Vec<u8>,
        wrap: impl FnOnce(cli::Started) -> C,
        level: impl Fn(&C) -> LevelFilter,
        first: impl FnOnce(&mut C, &Setup, Answer<'_, Smb1>) -> Result<(), String>,
    ) -> Result<(C, Core), String> {
        // What goes wrong before `prepare`/`open` is reported here; they report their own.
        // There is no session yet: the report is named after the app.
        let reported = |out: &mut Vec<u8>, e: String| {
            Answer::<Smb1>::new(&mut Session::named(app.name), out).report(&e);
            e
        };
        let started = cli::embedded_args(app, args)
            .map_err(|e| reported(out, format!("{}: {e}", app.name)))?;
        let (mut core, setup) =
            Core::start(setup, started.max_message).map_err(|e| reported(out, e))?;
        let mut component = wrap(started);
        let mut result = Err(String::new());
        core.run(
            &[],
            out,
            level(&component),
            |answer, _, _| result = first(&mut component, &setup, answer),
            |_, _| {},
        );
        match result {
            Ok(()) => Ok((component, core)),
            // The panic is reported by `run`.
            Err(e) if e.is_empty() => Err(format!(
                "{}: the component panicked while starting",
                app.name
            )),
            Err(e) => Err(e),
        }
    }

    /// Runs `step` on `message`, answering to `out`, with this thread's log records at or
    /// above `level` captured for the answer. A panic drops what the step wrote, is reported,
    /// and `on_panic` writes what Storm must still hear.
    fn run(
        &mut self,
        message: &[u8],
        out: &mut Vec<u8>,
        level: LevelFilter,
        step: impl FnOnce(Answer<'_, Smb1>, Frame<'_>, usize),
        on_panic: impl FnOnce(&mut Answer<'_, Smb1>, &[u8]),
    ) {
        let start = out.len();
        let _capture = Capture::start_at(level);
        let frame = if message.len() > self.limit {
            Frame::Oversized {
                len: message.len(),
                id: Smb1::salvage_id(message),
            }
        } else {
            Frame::Message(message)
        };
        let limit = self.limit;
        let session = &mut self.session;
        let tokens_before = session.next_token;
        // The answer moves into `step`: a panic drops it while unwinding, and what it held
        // (its log records included) is truncated below.
        let result = catch_unwind(AssertUnwindSafe(|| {
            step(Answer::new(session, out), frame, limit)
        }));
        if let Err(panic) = result {
            out.truncate(start);
            // The emits that asked for task ids are dropped with the rest: so are their tokens,
            // or every later answer would go to the wrong emit.
            self.session.awaiting_ids.retain(|t| t.0 <= tokens_before);
            let what = panic
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("(no message)");
            let mut answer = Answer::new(&mut self.session, out);
            answer.report(&format!("the component panicked: {what}"));
            on_panic(&mut answer, message);
        }
    }
}

/// A bolt driven by its host: basic-bolt semantics, as under [`crate::run_bolt`].
pub struct EmbeddedBolt<B: Bolt> {
    bolt: BoltMain<'static, B>,
    core: Core,
}

impl<B: Bolt> std::fmt::Debug for EmbeddedBolt<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedBolt")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl<B: Bolt> EmbeddedBolt<B> {
    /// Builds the bolt from its arguments as its binary would (`make`, the flags of `app`),
    /// reads the setup message (SMB1, kind 0x01) and calls `prepare`. What `prepare` sends
    /// goes to `out`. `Err`: a bad argument, a bad setup, or `prepare` failed (also reported
    /// to `out`).
    pub fn start(
        app: &'static App,
        args: &[String],
        make: impl FnOnce(&Args) -> B,
        setup: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<Self, String> {
        let (bolt, core) = Core::start_component(
            app,
            args,
            setup,
            out,
            |started| BoltMain::new(app, started, make, Host::Embedded),
            |bolt| bolt.level,
            bolt::prepare::<_, Smb1>,
        )?;
        Ok(EmbeddedBolt { bolt, core })
    }
}

impl<B: Bolt + Send> Embedded for EmbeddedBolt<B> {
    fn handle(&mut self, message: &[u8], out: &mut Vec<u8>) {
        let bolt = &mut self.bolt;
        let level = bolt.level;
        self.core.run(
            message,
            out,
            level,
            |answer, frame, limit| {
                bolt::step::<_, Smb1>(bolt, answer, frame, limit);
            },
            |answer, message| {
                if let Some(id) = Smb1::salvage_id(message) {
                    answer.fail_salvaged(&id);
                }
            },
        );
    }
}

/// A spout driven by its host: every command answered with its emits and `sync`, as under
/// [`crate::run_spout`].
pub struct EmbeddedSpout<S: Spout> {
    spout: SpoutMain<'static, S>,
    core: Core,
}

impl<S: Spout> std::fmt::Debug for EmbeddedSpout<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedSpout")
            .field("core", &self.core)
            .finish_non_exhaustive()
    }
}

impl<S: Spout> EmbeddedSpout<S> {
    /// As [`EmbeddedBolt::start`], with `open`.
    pub fn start(
        app: &'static App,
        args: &[String],
        make: impl FnOnce(&Args) -> S,
        setup: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<Self, String> {
        let (spout, core) = Core::start_component(
            app,
            args,
            setup,
            out,
            |started| SpoutMain::new(app, started, make, Host::Embedded),
            |spout| spout.level,
            spout::open::<_, Smb1>,
        )?;
        Ok(EmbeddedSpout { spout, core })
    }
}

impl<S: Spout + Send> Embedded for EmbeddedSpout<S> {
    fn handle(&mut self, message: &[u8], out: &mut Vec<u8>) {
        let spout = &mut self.spout;
        let level = spout.level;
        self.core.run(
            message,
            out,
            level,
            |answer, frame, limit| {
                spout::step::<_, Smb1>(spout, answer, frame, limit);
            },
            // A command is answered with sync whatever happened; task ids need no answer.
            |answer, message| {
                if message.first() == Some(&crate::smb1::SPOUT_CMD) {
                    answer.sync();
                }
            },
        );
    }
}

/// The SMB1 setup message (kind 0x01) carrying `json`, as a host sends it.
pub fn setup_message(json: &str) -> Vec<u8> {
    let mut m = vec![crate::smb1::SETUP];
    put_str(&mut m, json);
    m
}

/// An SMB1 tuple message (kind 0x02) of string values, for tests and examples.
pub fn tuple_message(
    id: &str,
    component: &str,
    stream: &str,
    task: i32,
    values: &[&str],
) -> Vec<u8> {
    let mut m = vec![crate::smb1::TUPLE];
    put_str(&mut m, id);
    put_str(&mut m, component);
    put_str(&mut m, stream);
    m.extend_from_slice(&task.to_be_bytes());
    m.extend_from_slice(&(values.len() as u32).to_be_bytes());
    for v in values {
        m.push(crate::smb1_value::T_STR);
        put_str(&mut m, v);
    }
    m
}

fn put_str(m: &mut Vec<u8>, s: &str) {
    m.extend_from_slice(&(s.len() as u32).to_be_bytes());
    m.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Opt;
    use crate::{BoltOutput, MessageId, SpoutOutput, Tuple};

    static APP: App = App {
        name: "t",
        version: "1",
        about: "",
        options: &[Opt {
            name: "shout",
            conf_key: Some("t.shout"),
            value: None,
            help: "",
        }],
    };

    /// Echoes its input; panics on "boom"; logs at debug and warn.
    struct Echo(bool);

    impl Bolt for Echo {
        type Error = String;
        fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
            let s = t.str(0).map_err(|e| e.to_string())?;
            if s == "boom" {
                panic!("marker tuple");
            }
            log::debug!("debug {s}");
            log::warn!("warn {s}");
            out.emit((if self.0 {
                s.to_uppercase()
            } else {
                s.into_owned()
            },));
            Ok(())
        }
    }

    fn setup() -> Vec<u8> {
        setup_message(r#"{"conf":{},"context":{"componentid":"echo","taskid":3},"pidDir":""}"#)
    }

    /// The frames of `out` as (kind, payload after the kind).
    fn frames(out: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut v = Vec::new();
        let mut rest = out;
        while rest.len() >= 4 {
            let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            v.push((rest[4], rest[5..4 + len].to_vec()));
            rest = &rest[4 + len..];
        }
        assert!(rest.is_empty(), "a partial frame");
        v
    }

    fn kinds(out: &[u8]) -> Vec<u8> {
        frames(out).into_iter().map(|(k, _)| k).collect()
    }

    fn contains(payload: &[u8], text: &str) -> bool {
        String::from_utf8_lossy(payload).contains(text)
    }

    #[test]
    fn flags_reach_the_component_and_each_tuple_is_emitted_then_acked() {
        let mut out = Vec::new();
        let args = ["--shout".to_owned()];
        let mut bolt = EmbeddedBolt::start(
            &APP,
            &args,
            |a| Echo(a.get("shout").is_some()),
            &setup(),
            &mut out,
        )
        .unwrap();
        out.clear();
        bolt.handle(&tuple_message("7", "s", "default", 1, &["moo"]), &mut out);
        let f = frames(&out);
        // warn log (info is the level: debug dropped), emit, ack.
        assert_eq!(kinds(&out), [0x15, 0x11, 0x12], "{f:?}");
        assert!(contains(&f[1].1, "MOO"));
    }

    /// A panic fails its tuple, is reported, and the next tuple is handled as usual.
    #[test]
    fn a_panic_fails_its_tuple_and_the_component_goes_on() {
        let mut out = Vec::new();
        let mut bolt = EmbeddedBolt::start(&APP, &[], |_| Echo(false), &setup(), &mut out).unwrap();
        out.clear();
        bolt.handle(&tuple_message("8", "s", "default", 1, &["boom"]), &mut out);
        let f = frames(&out);
        assert_eq!(kinds(&out), [0x16, 0x13], "error then fail: {f:?}");
        assert!(contains(&f[0].1, "panicked: marker tuple"), "{f:?}");
        assert!(contains(&f[1].1, "8"));
        out.clear();
        bolt.handle(&tuple_message("9", "s", "default", 1, &["cow"]), &mut out);
        assert_eq!(kinds(&out), [0x15, 0x11, 0x12]);
    }

    #[test]
    fn the_conf_log_level_filters_this_components_records() {
        let mut out = Vec::new();
        let s =
            setup_message(r#"{"conf":{"multilang.log.level":"debug"},"context":{},"pidDir":""}"#);
        let mut bolt = EmbeddedBolt::start(&APP, &[], |_| Echo(false), &s, &mut out).unwrap();
        out.clear();
        bolt.handle(&tuple_message("1", "s", "default", 1, &["a"]), &mut out);
        assert_eq!(kinds(&out), [0x15, 0x15, 0x11, 0x12]);
    }

    #[test]
    fn bad_arguments_and_a_failing_prepare_are_errors() {
        let mut out = Vec::new();
        let e = EmbeddedBolt::start(
            &APP,
            &["--nope".into()],
            |_| Echo(false),
            &setup(),
            &mut out,
        )
        .unwrap_err();
        assert!(e.contains("unknown option --nope"), "{e}");
        let e = EmbeddedBolt::start(
            &APP,
            &["--help".into()],
            |_| Echo(false),
            &setup(),
            &mut out,
        )
        .unwrap_err();
        assert!(e.contains("--help"), "{e}");
        let e = EmbeddedBolt::start(&APP, &[], |_| Echo(false), b"\x01junk", &mut out).unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn a_message_over_the_limit_is_failed_not_parsed() {
        let mut out = Vec::new();
        let args = ["--max-message-bytes".to_owned(), "40".to_owned()];
        let mut bolt =
            EmbeddedBolt::start(&APP, &args, |_| Echo(false), &setup(), &mut out).unwrap();
        out.clear();
        let long = "x".repeat(100);
        bolt.handle(&tuple_message("5", "s", "default", 1, &[&long]), &mut out);
        let f = frames(&out);
        assert_eq!(kinds(&out), [0x16, 0x13], "{f:?}");
        assert!(contains(&f[0].1, "over the limit of 40 bytes"));
    }

    /// Emits 1, 2, 3 ... reliably; panics on the fail of id 2.
    struct Counter(u64);

    impl Spout for Counter {
        type Error = String;
        fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
            self.0 += 1;
            out.emit_reliable(self.0, (self.0,));
            Ok(())
        }
        fn fail(&mut self, id: MessageId<'_>, _out: &mut SpoutOutput<'_>) -> Result<(), String> {
            if id.as_u64() == Some(2) {
                panic!("fail of 2");
            }
            Ok(())
        }
    }

    fn command(name: &str, id: Option<u64>) -> Vec<u8> {
        let mut m = vec![crate::smb1::SPOUT_CMD];
        put_str(&mut m, name);
        match id {
            None => m.push(crate::smb1_value::T_NULL),
            Some(id) => {
                m.push(crate::smb1_value::T_INT);
                m.extend_from_slice(&id.to_be_bytes());
            }
        }
        m
    }

    #[test]
    fn a_spout_answers_every_command_with_sync_even_after_a_panic() {
        let mut out = Vec::new();
        let mut spout =
            EmbeddedSpout::start(&APP, &[], |_| Counter(0), &setup(), &mut out).unwrap();
        out.clear();
        spout.handle(&command("next", None), &mut out);
        assert_eq!(kinds(&out), [0x11, 0x14]);
        out.clear();
        spout.handle(&command("fail", Some(2)), &mut out);
        let f = frames(&out);
        assert_eq!(kinds(&out), [0x16, 0x14], "{f:?}");
        assert!(contains(&f[0].1, "fail of 2"));
        out.clear();
        spout.handle(&command("next", None), &mut out);
        assert_eq!(kinds(&out), [0x11, 0x14]);
    }

    /** Emits asking for task ids; panics after the emit on "boom"; echoes each token it is given. */
    struct AsksForIds;

    impl Bolt for AsksForIds {
        type Error = String;
        fn process(&mut self, t: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
            out.emit_with(&crate::Emit::new().need_task_ids(), (1,));
            if t.str(0).map_err(|e| e.to_string())? == "boom" {
                panic!("after an emit that asked for task ids");
            }
            Ok(())
        }
        fn task_ids(&mut self, emit: crate::EmitToken, _ids: &[u32], out: &mut BoltOutput<'_>) {
            out.emit((emit.0,));
        }
    }

    /// Regression: a panic dropped an emit that asked for task ids but kept its token, so every
    /// later answer went to the wrong emit.
    #[test]
    fn task_ids_after_a_panic_go_to_the_emit_that_asked() {
        let mut out = Vec::new();
        let mut bolt = EmbeddedBolt::start(&APP, &[], |_| AsksForIds, &setup(), &mut out).unwrap();
        bolt.handle(&tuple_message("1", "s", "default", 1, &["boom"]), &mut out);
        bolt.handle(&tuple_message("2", "s", "default", 1, &["ok"]), &mut out);
        out.clear();
        let mut ids = vec![crate::smb1::TASK_IDS];
        ids.extend_from_slice(&1u32.to_be_bytes());
        ids.extend_from_slice(&7u32.to_be_bytes());
        bolt.handle(&ids, &mut out);
        let f = frames(&out);
        assert_eq!(kinds(&out), [0x11], "{f:?}");
        // The emit's tuple: [2], the token of tuple 2's emit (tuple 1's was 1, dropped).
        assert!(
            f[0].1.ends_with(&[0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 2]),
            "{f:?}"
        );
    }
}
