//! Project tasks, run as `cargo xtask <task>` (an alias in .cargo/config.toml).
//!
//! - `dist`: builds the three component binaries in release mode, statically linked
//!   (glibc with `crt-static`: the musl target cannot be installed here), and copies them,
//!   executable, into `multilang/resources/`, the folder the Maven and Leiningen builds
//!   package as the topology jar's `resources/`.
//! - `check-static`: proves the binaries in `multilang/resources/` need nothing on a worker:
//!   `ldd` finds no dynamic section, and each runs `--version` with an empty environment.
//! - `storm-py`: puts Storm's own `storm.py` (from the Maven artifact
//!   `org.apache.storm:multilang-python`) into `multilang/resources/` for the Python variant
//!   and the parity tests. It is fetched, never committed.

use std::env;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const BINARIES: [&str; 3] = ["sentence-spout", "split-bolt", "count-bolt"];
const TARGET: &str = "x86_64-unknown-linux-gnu";
const STORM_VERSION: &str = "2.8.4";

fn root() -> PathBuf {
    // crates/xtask -> the workspace root
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

fn dist() -> Result<(), String> {
    let root = root();
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .args(["build", "--release", "--target", TARGET])
        // Static glibc: the binaries then run on any x86_64 Linux worker as they are.
        .env("RUSTFLAGS", "-C target-feature=+crt-static");
    for b in BINARIES {
        cmd.args(["-p", b]);
    }
    run(&mut cmd)?;
    let dest = root.join("multilang/resources");
    fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    for b in BINARIES {
        let from = root.join("target").join(TARGET).join("release").join(b);
        let to = dest.join(b);
        // Leave an identical binary alone, so timestamps only change with the contents.
        let same = match (fs::read(&from), fs::read(&to)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        let executable = fs::metadata(&to).is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
        if same && executable {
            println!("{} (unchanged)", to.display());
            continue;
        }
        // Copy to a temporary name and rename, so a running topology never sees half a file.
        let tmp = dest.join(format!(".{b}.tmp"));
        fs::copy(&from, &tmp)
            .map_err(|e| format!("copy {} -> {}: {e}", from.display(), tmp.display()))?;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
        fs::rename(&tmp, &to).map_err(|e| e.to_string())?;
        let size = fs::metadata(&to).map(|m| m.len()).unwrap_or(0);
        println!("{} ({} KiB)", to.display(), size / 1024);
    }
    Ok(())
}

fn check_static() -> Result<(), String> {
    let dir = root().join("multilang/resources");
    let (mut passed, mut failed) = (0, 0);
    for b in BINARIES {
        let path = dir.join(b);
        if !path.exists() {
            return Err(format!(
                "{} is missing: run `cargo xtask dist` first",
                path.display()
            ));
        }
        let ldd = Command::new("ldd")
            .arg(&path)
            .output()
            .map_err(|e| format!("ldd: {e}"))?;
        let text = String::from_utf8_lossy(&ldd.stdout).to_string()
            + &String::from_utf8_lossy(&ldd.stderr);
        let is_static =
            text.contains("not a dynamic executable") || text.contains("statically linked");
        let version = Command::new(&path)
            .arg("--version")
            .env_clear()
            .output()
            .map_err(|e| format!("{b}: {e}"))?;
        let runs =
            version.status.success() && String::from_utf8_lossy(&version.stdout).starts_with(b);
        if is_static && runs {
            passed += 1;
            println!(
                "ok   {b}: static ({}), runs with an empty environment",
                text.trim()
            );
        } else {
            failed += 1;
            println!(
                "FAIL {b}: ldd says {:?}; --version with env -i: {:?}",
                text.trim(),
                version
            );
        }
    }
    println!("check-static: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err("some binaries are not static".into())
    }
}

fn storm_py() -> Result<(), String> {
    let root = root();
    // java-topology's build unpacks storm.py from the multilang-python artifact into
    // multilang/resources/ at generate-resources; the root pom also knows where the Storm 2.8.4
    // parent poms come from, which a bare `mvn dependency:copy` would not. It runs in the root
    // reactor up to `compile`, with storm-native: java-topology depends on that library, and a
    // reactor hands a module to its dependents only once it is compiled (so this needs nothing
    // installed in ~/.m2, and never takes a stale copy from there).
    let pom = root.join("pom.xml");
    run(Command::new("mvn").args([
        "-q",
        "-B",
        "-f",
        &pom.display().to_string(),
        "-pl",
        "java-topology",
        "-am",
        "compile",
        "-Dnative.skip=true",
    ]))?;
    let dest = root.join("multilang/resources/storm.py");
    if !dest.is_file() {
        return Err(format!(
            "{} is missing after the Maven build",
            dest.display()
        ));
    }
    println!(
        "{} (from org.apache.storm:multilang-python:{STORM_VERSION})",
        dest.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let task = env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "dist" => dist(),
        "check-static" => check_static(),
        "storm-py" => storm_py(),
        _ => {
            eprintln!("usage: cargo xtask <dist|check-static|storm-py>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}
