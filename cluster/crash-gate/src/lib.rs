//! crash-gate: cluster/test.sh's fixture for the in-process bridge's hard-crash run.
//!
//! An in-process bolt (`libcrash_gate.so`, component `crash-gate`, output field `word`) that
//! emits each tuple's first field on, anchored, and is acked like any bolt. The test arms it
//! from outside the worker: a file `abort-PID` or `segv-PID` in the directory given by
//! `--arm-dir` (conf key `cluster.crash.arm.dir`), PID being the worker JVM's. The next tuple
//! that task gets is the marker tuple: the gate renames the file to `*.fired` (so exactly one
//! task of that worker fires, once) and then takes the whole worker down: `abort` raises
//! SIGABRT, `segv` writes to an unmapped address (a real invalid access, which the JVM's signal
//! handler finds in native code and turns into a fatal error with an hs_err file).
//! No panic: a panic is caught at the boundary and the task goes on, which is not what this
//! fixture is for.

use std::fs;
use std::path::PathBuf;

use storm_multilang::cli::{App, Args, Opt, Settings};
use storm_multilang::{Bolt, BoltOutput, FieldError, Setup, Tuple};

static APP: App = App {
    name: "crash-gate",
    version: env!("CARGO_PKG_VERSION"),
    about: "test fixture: passes field 0 on (output field: word); crashes its worker on \
            the first tuple after an arm file appears",
    options: &[Opt {
        name: "arm-dir",
        conf_key: Some("cluster.crash.arm.dir"),
        value: Some("DIR"),
        help: "where the test puts abort-PID / segv-PID",
    }],
};

struct Gate {
    args: Args,
    arm_dir: Option<PathBuf>,
    pid: u32,
}

impl Gate {
    /// The armed crash for this worker, if a file says so; taking it disarms it.
    fn armed(&self) -> Option<&'static str> {
        let dir = self.arm_dir.as_ref()?;
        for how in ["abort", "segv"] {
            let armed = dir.join(format!("{how}-{}", self.pid));
            let fired = dir.join(format!("{how}-{}.fired", self.pid));
            // rename is atomic: of the tasks in this worker that try it, one succeeds
            if fs::rename(&armed, &fired).is_ok() {
                return Some(how);
            }
        }
        None
    }
}

impl Bolt for Gate {
    type Error = String;

    fn prepare(&mut self, setup: &Setup, _out: &mut BoltOutput<'_>) -> Result<(), String> {
        let s = Settings::new(&APP, &self.args, setup.conf());
        self.arm_dir = s.str("arm-dir").map(|d| PathBuf::from(d.as_ref()));
        self.pid = std::process::id();
        match &self.arm_dir {
            Some(d) => log::info!(
                "crash-gate: armed by {}/{{abort,segv}}-{}",
                d.display(),
                self.pid
            ),
            None => log::info!("crash-gate: no --arm-dir, so it never fires"),
        }
        Ok(())
    }

    fn process(&mut self, tuple: &Tuple<'_>, out: &mut BoltOutput<'_>) -> Result<(), String> {
        let value = tuple.str(0).map_err(|e: FieldError| e.to_string())?;
        if let Some(how) = self.armed() {
            eprintln!(
                "crash-gate: {how} on the marker tuple {value:?} (pid {})",
                self.pid
            );
            crash(how);
        }
        out.emit((value,));
        Ok(())
    }
}

fn crash(how: &str) {
    if how == "abort" {
        std::process::abort();
    }
    // An address no process maps (the first page is never mapped on Linux): the store faults.
    let p = 16usize as *mut u8;
    // SAFETY: none; the point is the fault.
    unsafe { std::ptr::write_volatile(p, 1) };
}

fn new(args: &Args) -> Gate {
    Gate {
        args: args.clone(),
        arm_dir: None,
        pid: 0,
    }
}

storm_multilang::export_bolt!("crash-gate", APP, new);
