//! Command-line and topology-conf settings for component binaries.
//!
//! A component binary declares its options once ([`App`]); each can be given as a flag in the
//! component's command line (`--limit 100`) or as a key in the topology conf Storm sends in the
//! handshake (`wordcount.spout.limit: 100`), so Flux and Clojure users set them without code.
//! A flag wins over the conf. [`run_bolt_main`] and [`run_spout_main`] add `--help`,
//! `--version`, `--log-level`, and refuse to sit silently on a terminal.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::process::ExitCode;

use log::LevelFilter;

use crate::message::parse_bool;
use crate::{
    logger, run_bolt_io, run_spout_io, Bolt, BoltOutput, Conf, EmitToken, MessageId, Setup, Spout,
    SpoutOutput, Tuple,
};

/// One option of a component binary.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// The long flag without its dashes, e.g. `limit` for `--limit`.
    pub name: &'static str,
    /// The topology conf key that sets the same thing, if any.
    pub conf_key: Option<&'static str>,
    /// The value's placeholder in the help (`N`, `FILE`), or `None` for a switch.
    pub value: Option<&'static str>,
    /// One line of help.
    pub help: &'static str,
}

/// A component binary's description.
#[derive(Debug)]
pub struct App {
    /// The binary's name.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
    /// What it does, in a few lines.
    pub about: &'static str,
    /// Its options (the common ones are added).
    pub options: &'static [Opt],
}

const COMMON: &[Opt] = &[
    Opt {
        name: "log-level",
        conf_key: Some("multilang.log.level"),
        value: Some("LEVEL"),
        help:
            "trace, debug, info, warn, error or off: records below it never cross the pipe [info]",
    },
    Opt {
        name: "max-message-bytes",
        conf_key: Some("multilang.max.message.bytes"),
        value: Some("N"),
        help: "larger input messages are dropped, reported and their tuple failed [67108864]",
    },
];

/// What the command line asked for.
#[derive(Debug)]
pub enum Action {
    /// Run as a component with these arguments.
    Run(Args),
    /// Print this text to stdout and exit 0 (`--help`, `--version`).
    Print(String),
}

/// Parsed command-line flags.
#[derive(Debug, Clone, Default)]
pub struct Args {
    values: BTreeMap<&'static str, String>,
}

impl Args {
    /// The flag's value as given, if it was given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

impl App {
    fn all_options(&self) -> impl Iterator<Item = &Opt> {
        self.options.iter().chain(COMMON)
    }

    /// The `--help` text.
    pub fn help(&self) -> String {
        let mut s = format!(
            "{} {}\n{}\n\nUsage: {} [OPTIONS]   (started by Storm: speaks the multilang protocol on stdin/stdout)\n\nOptions (flag, or topology conf key):\n",
            self.name, self.version, self.about.trim_end(), self.name
        );
        for o in self.all_options() {
            let flag = match o.value {
                Some(v) => format!("--{} {v}", o.name),
                None => format!("--{}", o.name),
            };
            s.push_str(&format!("  {flag:<28} {}\n", o.help));
            if let Some(k) = o.conf_key {
                s.push_str(&format!("  {:<28} conf: {k}\n", ""));
            }
        }
        s.push_str("  --help                       this text\n  --version                    the version\n");
        s
    }

    /// Parses command-line arguments (without the program name).
    pub fn parse_from<I: IntoIterator<Item = String>>(&self, args: I) -> Result<Action, String> {
        let mut values = BTreeMap::new();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--help" | "-h" => return Ok(Action::Print(self.help())),
                "--version" | "-V" => {
                    return Ok(Action::Print(format!("{} {}\n", self.name, self.version)))
                }
                _ => {}
            }
            let Some(flag) = arg.strip_prefix("--") else {
                return Err(format!("unexpected argument {arg:?}"));
            };
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (flag, None),
            };
            let opt = self
                .all_options()
                .find(|o| o.name == name)
                .ok_or_else(|| format!("unknown option --{name}"))?;
            let value = match (opt.value, inline) {
                (Some(_), Some(v)) => v,
                (Some(meta), None) => it
                    .next()
                    .ok_or_else(|| format!("--{name} needs a value ({meta})"))?,
                (None, Some(v)) => {
                    parse_bool(&v)
                        .ok_or_else(|| format!("--{name} takes true or false, not {v:?}"))?;
                    v
                }
                (None, None) => "true".to_owned(),
            };
            values.insert(opt.name, value);
        }
        Ok(Action::Run(Args { values }))
    }
}

impl App {
    /// The keys of `conf` that lie in this component's own namespace but name no option,
    /// each with the nearest known key (by edit distance), if one is close.
    ///
    /// A key's namespace is the key without its last segment (`wordcount.spout.` for
    /// `wordcount.spout.limit`); a conf key is the component's own when it starts with one of
    /// them, so `wordcount.spout.limt` is caught while `topology.workers` and another
    /// component's `wordcount.split.mode` are not. The runners report each at warn level
    /// and on stderr: a typo would otherwise be silently ignored.
    pub fn unknown_conf_keys(&self, conf: &Conf) -> Vec<(String, Option<&'static str>)> {
        let known: Vec<&'static str> = self.all_options().filter_map(|o| o.conf_key).collect();
        let spaces: Vec<&str> = known
            .iter()
            .filter_map(|k| k.rfind('.').map(|i| &k[..=i]))
            .collect();
        conf.as_map()
            .keys()
            .filter(|k| spaces.iter().any(|s| k.starts_with(s)) && !known.contains(&k.as_str()))
            .map(|k| {
                let nearest = known
                    .iter()
                    .map(|&c| (edit_distance(k, c), c))
                    .min()
                    .filter(|&(d, c)| d <= c.len() / 3 + 1)
                    .map(|(_, c)| c);
                (k.clone(), nearest)
            })
            .collect()
    }
}

/// Levenshtein distance in chars (conf keys are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (up + 1).min(row[j] + 1).min(diag + usize::from(ca != cb));
            diag = up;
        }
    }
    row[b.len()]
}

/// Warns (log and stderr) about every unknown key in the component's own conf namespace.
fn warn_unknown_conf_keys(app: &App, conf: &Conf) {
    for (key, nearest) in app.unknown_conf_keys(conf) {
        let msg = match nearest {
            Some(n) => format!("unknown conf key {key:?} ignored: did you mean {n:?}?"),
            None => format!("unknown conf key {key:?} ignored"),
        };
        log::warn!("{msg}");
        eprintln!("{}: warning: {msg}", app.name);
    }
}

/// Settings from flags first, then the topology conf.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    app: &'a App,
    args: &'a Args,
    conf: &'a Conf,
}

impl<'a> Settings<'a> {
    /// Combines the flags and the conf.
    pub fn new(app: &'a App, args: &'a Args, conf: &'a Conf) -> Self {
        Settings { app, args, conf }
    }

    fn opt(&self, name: &str) -> &'a Opt {
        // Only the component's own declared names are asked for; an unknown name is a bug in
        // the binary, not in its input.
        self.app
            .all_options()
            .find(|o| o.name == name)
            .unwrap_or(&COMMON[0])
    }

    /// A text setting.
    pub fn str(&self, name: &str) -> Option<Cow<'a, str>> {
        if let Some(v) = self.args.get(name) {
            return Some(Cow::Borrowed(v));
        }
        self.conf.get_str(self.opt(name).conf_key?)
    }

    /// A switch: false unless set.
    pub fn bool(&self, name: &str) -> Result<bool, String> {
        if let Some(v) = self.args.get(name) {
            return parse_bool(v).ok_or_else(|| format!("--{name}: not true or false: {v:?}"));
        }
        match self.opt(name).conf_key {
            Some(k) => Ok(self.conf.get_bool(k)?.unwrap_or(false)),
            None => Ok(false),
        }
    }

    /// A whole number, if set.
    pub fn u64(&self, name: &str) -> Result<Option<u64>, String> {
        if let Some(v) = self.args.get(name) {
            return v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("--{name}: not a whole number: {v:?}"));
        }
        match self.opt(name).conf_key {
            Some(k) => self.conf.get_u64(k),
            None => Ok(None),
        }
    }
}

/// What a component's command line sets before it runs.
#[derive(Debug)]
pub(crate) struct Started {
    pub(crate) args: Args,
    /// `--log-level`, else info.
    pub(crate) level: LevelFilter,
    /// `--max-message-bytes` (`None`: the conf's, or the default).
    pub(crate) max_message: Option<usize>,
}

/// Checks the flags every component shares (`--log-level`, `--max-message-bytes`).
fn common_flags(args: Args) -> Result<Started, String> {
    let level = match args.get("log-level") {
        None => LevelFilter::Info,
        Some(v) => {
            logger::parse_level(v).ok_or_else(|| format!("--log-level: unknown level {v:?}"))?
        }
    };
    let max_message = max_message(&args)?;
    Ok(Started {
        args,
        level,
        max_message,
    })
}

/// Parses the process arguments and sets up logging; `Err` is the code to exit with.
fn start(app: &App) -> Result<Started, ExitCode> {
    match app.parse_from(std::env::args().skip(1)) {
        Ok(Action::Print(text)) => {
            print!("{text}");
            Err(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: {e}\n\n{}", app.name, app.help());
            Err(ExitCode::from(2))
        }
        Ok(Action::Run(args)) => {
            if std::io::stdin().is_terminal() {
                eprintln!(
                    "{} is an Apache Storm multilang component: Storm starts it and speaks the \
                     multilang protocol with it on stdin/stdout. Run it from a topology (see the README), or see \
                     `{} --help`.",
                    app.name, app.name
                );
                return Err(ExitCode::from(2));
            }
            match common_flags(args) {
                Ok(started) => {
                    logger::init(started.level);
                    Ok(started)
                }
                Err(e) => {
                    eprintln!("{}: {e}", app.name);
                    Err(ExitCode::from(2))
                }
            }
        }
    }
}

/// Parses a component's arguments for a run inside the worker ([`crate::embed`]): the same
/// flags as its binary's; `--help` and `--version` have nowhere to print, so they are errors.
pub(crate) fn embedded_args(app: &App, args: &[String]) -> Result<Started, String> {
    match app.parse_from(args.iter().cloned()) {
        Ok(Action::Run(args)) => {
            let started = common_flags(args)?;
            logger::widen(started.level);
            Ok(started)
        }
        Ok(Action::Print(_)) => Err(
            "--help and --version print nothing in process: run the binary \
             for them"
                .to_owned(),
        ),
        Err(e) => Err(e),
    }
}

fn max_message(args: &Args) -> Result<Option<usize>, String> {
    match args.get("max-message-bytes") {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("--max-message-bytes: not a whole number: {v:?}")),
    }
}

/// The log level the conf sets when no flag set one (`None`: keep the flag's or the default).
fn conf_log_level(app: &App, args: &Args, setup: &Setup) -> Result<Option<LevelFilter>, String> {
    if args.get("log-level").is_some() {
        return Ok(None);
    }
    match Settings::new(app, args, setup.conf()).str("log-level") {
        None => Ok(None),
        Some(v) => logger::parse_level(&v)
            .map(Some)
            .ok_or_else(|| format!("multilang.log.level: unknown level {v:?}")),
    }
}

/// How a component runs: its own process, or inside the worker ([`crate::embed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    Process,
    Embedded,
}

/// The level a component logs at, applied: a process owns the logger and sets it; a component
/// in the worker shares the logger with the other components of its library, so it only
/// widens it and filters its own records ([`crate::embed`] reads `level`).
fn apply_level(host: Host, level: LevelFilter) {
    match host {
        Host::Process => logger::init(level),
        Host::Embedded => logger::widen(level),
    }
}

fn finish(app: &App, r: Result<(), crate::Error>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e}", app.name);
            ExitCode::FAILURE
        }
    }
}

pub(crate) struct BoltMain<'a, B> {
    app: &'a App,
    args: Args,
    inner: B,
    host: Host,
    /// The level in force for this component's records.
    pub(crate) level: LevelFilter,
}

impl<'a, B> BoltMain<'a, B> {
    pub(crate) fn new(
        app: &'a App,
        started: Started,
        make: impl FnOnce(&Args) -> B,
        host: Host,
    ) -> Self {
        let inner = make(&started.args);
        BoltMain {
            app,
            args: started.args,
            inner,
            host,
            level: started.level,
        }
    }
}

impl<B: Bolt> Bolt for BoltMain<'_, B> {
    type Error = String;

    fn prepare(&mut self, setup: &Setup, out: &mut BoltOutput<'_>) -> Result<(), String> {
        if let Some(level) = conf_log_level(self.app, &self.args, setup)? {
            self.level = level;
            apply_level(self.host, level);
        }
        warn_unknown_conf_keys(self.app, setup.conf());
        self.inner.prepare(setup, out).map_err(|e| e.to_string())
    }

    fn process(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        self.inner.process(tuple, out).map_err(|e| e.to_string())
    }

    fn tick(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        self.inner.tick(tuple, out).map_err(|e| e.to_string())
    }

    fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut BoltOutput<'_>) {
        self.inner.task_ids(emit, ids, out)
    }
}

/// The whole `main` of a bolt binary: arguments, logging, the protocol loop, the exit code.
/// `make` builds the bolt from the flags; its `prepare` reads the conf through [`Settings`].
pub fn run_bolt_main<B: Bolt>(app: &App, make: impl FnOnce(&Args) -> B) -> ExitCode {
    let started = match start(app) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let max = started.max_message;
    let bolt = BoltMain::new(app, started, make, Host::Process);
    finish(
        app,
        run_bolt_io(bolt, std::io::stdin().lock(), std::io::stdout().lock(), max),
    )
}

pub(crate) struct SpoutMain<'a, S> {
    app: &'a App,
    args: Args,
    inner: S,
    host: Host,
    /// The level in force for this component's records.
    pub(crate) level: LevelFilter,
}

impl<'a, S> SpoutMain<'a, S> {
    pub(crate) fn new(
        app: &'a App,
        started: Started,
        make: impl FnOnce(&Args) -> S,
        host: Host,
    ) -> Self {
        let inner = make(&started.args);
        SpoutMain {
            app,
            args: started.args,
            inner,
            host,
            level: started.level,
        }
    }
}

impl<S: Spout> Spout for SpoutMain<'_, S> {
    type Error = String;

    fn open(&mut self, setup: &Setup, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        if let Some(level) = conf_log_level(self.app, &self.args, setup)? {
            self.level = level;
            apply_level(self.host, level);
        }
        warn_unknown_conf_keys(self.app, setup.conf());
        self.inner.open(setup, out).map_err(|e| e.to_string())
    }

    fn next(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.inner.next(out).map_err(|e| e.to_string())
    }

    fn ack(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.inner.ack(id, out).map_err(|e| e.to_string())
    }

    fn fail(&mut self, id: MessageId<'_>, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.inner.fail(id, out).map_err(|e| e.to_string())
    }

    fn activate(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.inner.activate(out).map_err(|e| e.to_string())
    }

    fn deactivate(&mut self, out: &mut SpoutOutput<'_>) -> Result<(), String> {
        self.inner.deactivate(out).map_err(|e| e.to_string())
    }

    fn task_ids(&mut self, emit: EmitToken, ids: &[u32], out: &mut SpoutOutput<'_>) {
        self.inner.task_ids(emit, ids, out)
    }
}

/// The whole `main` of a spout binary; see [`run_bolt_main`].
pub fn run_spout_main<S: Spout>(app: &App, make: impl FnOnce(&Args) -> S) -> ExitCode {
    let started = match start(app) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let max = started.max_message;
    let spout = SpoutMain::new(app, started, make, Host::Process);
    finish(
        app,
        run_spout_io(
            spout,
            std::io::stdin().lock(),
            std::io::stdout().lock(),
            max,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    static APP: App = App {
        name: "t",
        version: "1",
        about: "test",
        options: &[
            Opt {
                name: "limit",
                conf_key: Some("x.limit"),
                value: Some("N"),
                help: "",
            },
            Opt {
                name: "reliable",
                conf_key: Some("x.reliable"),
                value: None,
                help: "",
            },
            Opt {
                name: "corpus",
                conf_key: Some("x.corpus"),
                value: Some("FILE"),
                help: "",
            },
        ],
    };

    fn args(a: &[&str]) -> Result<Action, String> {
        APP.parse_from(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_win_over_conf_and_conf_fills_in() {
        let Action::Run(a) = args(&["--limit", "5", "--reliable"]).unwrap() else {
            panic!()
        };
        let conf = Setup::parse(
            br#"{"conf":{"x.limit":9,"x.corpus":"c.txt","x.reliable":"false"},"pidDir":"/"}"#,
        )
        .unwrap();
        let s = Settings::new(&APP, &a, conf.conf());
        assert_eq!(s.u64("limit"), Ok(Some(5)));
        assert_eq!(s.bool("reliable"), Ok(true));
        assert_eq!(s.str("corpus").as_deref(), Some("c.txt"));
        let Action::Run(none) = args(&[]).unwrap() else {
            panic!()
        };
        let s = Settings::new(&APP, &none, conf.conf());
        assert_eq!(s.u64("limit"), Ok(Some(9)));
        assert_eq!(s.bool("reliable"), Ok(false));
    }

    #[test]
    fn bad_command_lines_are_errors() {
        assert!(args(&["--nope"])
            .unwrap_err()
            .contains("unknown option --nope"));
        assert!(args(&["--limit"]).unwrap_err().contains("needs a value"));
        assert!(args(&["stray"])
            .unwrap_err()
            .contains("unexpected argument"));
        assert!(args(&["--reliable=maybe"]).is_err());
        let Action::Run(a) = args(&["--limit=3", "--reliable=false"]).unwrap() else {
            panic!()
        };
        let conf = Conf::default();
        let s = Settings::new(&APP, &a, &conf);
        assert_eq!(s.u64("limit"), Ok(Some(3)));
        assert_eq!(s.bool("reliable"), Ok(false));
        let Action::Run(a) = args(&["--limit", "x"]).unwrap() else {
            panic!()
        };
        assert!(Settings::new(&APP, &a, &conf).u64("limit").is_err());
    }

    /// Regression: `wordcount.spout.limt` was silently ignored and the spout ran unbounded.
    #[test]
    fn unknown_keys_in_the_own_namespace_name_the_nearest_known_key() {
        let setup = Setup::parse(
            br#"{"conf":{"x.limt":5,"x.limit":1,"x.zzzzzzzzzzzz":1,"topology.workers":2,
                "y.limt":1,"multilang.log.levl":"debug","xx.limt":1},"pidDir":"/"}"#,
        )
        .unwrap();
        let got = APP.unknown_conf_keys(setup.conf());
        assert_eq!(
            got,
            [
                ("multilang.log.levl".to_owned(), Some("multilang.log.level")),
                ("x.limt".to_owned(), Some("x.limit")),
                ("x.zzzzzzzzzzzz".to_owned(), None),
            ]
        );
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn help_and_version() {
        let Action::Print(h) = args(&["--help"]).unwrap() else {
            panic!()
        };
        assert!(
            h.contains("--limit N") && h.contains("conf: x.limit") && h.contains("--log-level")
        );
        let Action::Print(v) = args(&["--version"]).unwrap() else {
            panic!()
        };
        assert_eq!(v, "t 1\n");
    }
}
