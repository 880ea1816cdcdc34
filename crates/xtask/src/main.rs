//! Project tasks, run as `cargo xtask <task>` (an alias in .cargo/config.toml).
//!
//! - `dist [-p NAME]...`: builds the component binaries in release mode, statically linked
//!   (glibc with `crt-static`, so no musl toolchain is needed), and copies them,
//!   executable, into `multilang/resources/`, the folder the Maven and Leiningen builds
//!   package as the topology jar's `resources/`. Without `-p`, every component binary crate
//!   of the workspace (see [`components`]); with `-p`, the ones named. Any other native
//!   binary found in `multilang/resources/` was not built by this run, so it is removed: a
//!   stale binary is never packaged.
//!   Each component crate's library is also built as the in-process library
//!   `lib<crate>.so` (storm-multilang's `jni` feature; see [`dist_inproc`]) and copied beside
//!   the binaries: the same component, loaded into the worker by storm-native's
//!   InProcessBolt / InProcessSpout.
//! - `dist --from PATH`: also takes a component from outside the workspace, kept beside the
//!   workspace's own: PATH is a binary (copied as it is: build it statically yourself) or a
//!   Cargo project (its `Cargo.toml` or directory: built here with the same static flags, and
//!   every binary target of it copied). Repeat `--from` for several. Give it on every run
//!   (`./run.sh` passes `DIST_FROM`): a binary nobody names is removed as stale.
//! - `check-static [-p NAME]...`: proves the binaries in `multilang/resources/` need nothing on
//!   a worker: `ldd` finds no dynamic section, and each runs `--version` with an empty
//!   environment. Every component (or each one named) must be there. The in-process libraries
//!   must need nothing but glibc (at most [`GLIBC_FLOOR`]) and export their component.
//! - `storm-py`: puts Storm's own `storm.py` (from the Maven artifact
//!   `org.apache.storm:multilang-python`) into `multilang/resources/` for the Python variant
//!   and the parity tests. It is fetched, never committed.
//! - `check-docs`: every tracked `*.md` against the tree (links, paths, environment variables,
//!   conf keys, quotes of generated tables); see [`docs`].
//! - `provenance SCRIPT`: the header line of a generated results file (commit, date, machine).

mod docs;

use std::env;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const TARGET: &str = "x86_64-unknown-linux-gnu";
const STORM_VERSION: &str = "2.8.4";
/// The oldest glibc the in-process libraries may ask for (x86_64 Linux: Debian 12, Ubuntu
/// 22.04, RHEL 9 and later). A shared library loaded into the JVM cannot link glibc statically;
/// `check-static` fails a library that asks for a newer symbol version.
const GLIBC_FLOOR: (u32, u32) = (2, 34);
/// Where the in-process libraries are built: apart from the static binaries' target dir,
/// because the two builds differ in RUSTFLAGS and would otherwise rebuild each other.
const INPROC_TARGET_DIR: &str = "target/inproc";

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

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// A component binary: its package and its binary target.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Binary {
    package: String,
    name: String,
    /// The package's library target name, when it has one: built as the in-process library.
    lib: Option<String>,
}

impl Binary {
    /// The in-process library's file name (`libsplit_bolt.so`), when the package has a library.
    fn library(&self) -> Option<String> {
        self.lib.as_ref().map(|l| format!("lib{l}.so"))
    }
}

/// The component binaries of the workspace: every binary target of a member that depends on
/// `storm-multilang`, unless the member opts out with `[package.metadata.multilang]
/// component = false` (the benchmark tools do). Opting out rather than in means a new
/// component crate is built and packaged without anyone having to remember it.
fn components() -> Result<Vec<Binary>, String> {
    let out = cargo()
        .current_dir(root())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let mut found = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        let uses_core = p["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["name"] == "storm-multilang" && d["kind"].is_null());
        let opted_out = p["metadata"]["multilang"]["component"] == false;
        if !uses_core || opted_out {
            continue;
        }
        let has_kind = |t: &serde_json::Value, kind: &str| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == kind))
        };
        let lib = p["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| has_kind(t, "lib"))
            .and_then(|t| t["name"].as_str())
            .map(|n| n.replace('-', "_"));
        for t in p["targets"].as_array().into_iter().flatten() {
            let is_bin = t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"));
            if let (true, Some(name), Some(package)) =
                (is_bin, t["name"].as_str(), p["name"].as_str())
            {
                found.push(Binary {
                    package: package.to_owned(),
                    name: name.to_owned(),
                    lib: lib.clone(),
                });
            }
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// The components named with `-p NAME` (package or binary name), or all of them.
fn selected(args: &[String]) -> Result<Vec<Binary>, String> {
    let all = components()?;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-p" | "--package" => names.push(
                it.next()
                    .ok_or_else(|| format!("{a} needs a package name"))?
                    .clone(),
            ),
            other => match other.strip_prefix("--package=") {
                Some(n) => names.push(n.to_owned()),
                None => return Err(format!("unexpected argument {other:?}")),
            },
        }
    }
    if names.is_empty() {
        return Ok(all);
    }
    let mut chosen = Vec::new();
    for n in &names {
        let matching: Vec<&Binary> = all
            .iter()
            .filter(|b| &b.package == n || &b.name == n)
            .collect();
        if matching.is_empty() {
            let known: Vec<&str> = all.iter().map(|b| b.package.as_str()).collect();
            return Err(format!(
                "{n} is not a component binary crate of the workspace (they are: {})",
                known.join(", ")
            ));
        }
        chosen.extend(matching.into_iter().cloned());
    }
    chosen.dedup();
    Ok(chosen)
}

/// True for a file that starts like a native executable (ELF).
fn is_native_binary(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && magic == *b"\x7fELF"
}

/// A component built outside the workspace: its binary name and where the file is.
#[derive(Debug)]
struct Outside {
    name: String,
    path: PathBuf,
}

/// Splits `--from PATH` (or `--from=PATH`) out of the arguments: the paths, and the rest.
fn from_args(args: &[String]) -> Result<(Vec<PathBuf>, Vec<String>), String> {
    let (mut from, mut rest) = (Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--from" {
            let p = it
                .next()
                .ok_or("--from needs a path (a binary or a Cargo.toml)")?;
            from.push(PathBuf::from(p));
        } else if let Some(p) = a.strip_prefix("--from=") {
            from.push(PathBuf::from(p));
        } else {
            rest.push(a.clone());
        }
    }
    Ok((from, rest))
}

/// Builds (a Cargo project) or takes (a binary) each `--from` path; what to copy.
fn outside(paths: &[PathBuf]) -> Result<Vec<Outside>, String> {
    let mut found = Vec::new();
    for p in paths {
        let manifest = if p.is_dir() {
            p.join("Cargo.toml")
        } else {
            p.clone()
        };
        if p.is_file() && is_native_binary(p) {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .ok_or_else(|| format!("--from {}: no file name", p.display()))?;
            found.push(Outside {
                name,
                path: p.clone(),
            });
        } else if manifest.file_name().is_some_and(|n| n == "Cargo.toml") && manifest.is_file() {
            found.extend(build_outside(&manifest)?);
        } else {
            return Err(format!(
                "--from {}: neither a native (ELF) binary nor a Cargo project (a Cargo.toml or its directory)",
                p.display()
            ));
        }
    }
    Ok(found)
}

/// `cargo build` of a project outside the workspace, static as the workspace's own binaries.
fn build_outside(manifest: &Path) -> Result<Vec<Outside>, String> {
    let out = cargo()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata --manifest-path {}: {}",
            manifest.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let target_dir = meta["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .ok_or("cargo metadata: no target_directory")?;
    let mut bins = Vec::new();
    for p in meta["packages"].as_array().into_iter().flatten() {
        for t in p["targets"].as_array().into_iter().flatten() {
            let is_bin = t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"));
            if let (true, Some(name)) = (is_bin, t["name"].as_str()) {
                bins.push(name.to_owned());
            }
        }
    }
    if bins.is_empty() {
        return Err(format!("{}: no binary target", manifest.display()));
    }
    run(cargo()
        .args([
            "build",
            "--release",
            "--bins",
            "--target",
            TARGET,
            "--manifest-path",
        ])
        .arg(manifest)
        .env("RUSTFLAGS", "-C target-feature=+crt-static"))?;
    Ok(bins
        .into_iter()
        .map(|name| Outside {
            path: target_dir.join(TARGET).join("release").join(&name),
            name,
        })
        .collect())
}

fn dist(args: &[String]) -> Result<(), String> {
    let root = root();
    let (from, args) = from_args(args)?;
    let binaries = selected(&args)?;
    let outside = outside(&from)?;
    for o in &outside {
        if binaries.iter().any(|b| b.name == o.name) {
            return Err(format!(
                "--from {}: a workspace component is named {} too",
                o.path.display(),
                o.name
            ));
        }
    }
    let mut cmd = cargo();
    cmd.current_dir(&root)
        .args(["build", "--release", "--target", TARGET])
        // Static glibc: the binaries then run on any x86_64 Linux worker as they are.
        .env("RUSTFLAGS", "-C target-feature=+crt-static");
    for b in &binaries {
        cmd.args(["-p", &b.package, "--bin", &b.name]);
    }
    run(&mut cmd)?;
    let dest = root.join("multilang/resources");
    fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    // Anything native here that this run did not build may be out of date: it goes, so the
    // jar can only carry binaries built from this source tree.
    let entries = fs::read_dir(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let wanted = binaries
            .iter()
            .any(|b| b.name == name || b.library().as_deref() == Some(name.as_str()))
            || outside.iter().any(|o| o.name == name);
        if path.is_file() && is_native_binary(&path) && !wanted {
            fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            println!(
                "{} (removed: not built by this run; a binary of your own: `cargo xtask dist --from PATH`)",
                path.display()
            );
        }
    }
    let built_libraries = dist_inproc(&root, &binaries)?;
    let release = root.join("target").join(TARGET).join("release");
    let copies = binaries
        .iter()
        .map(|b| (b.name.clone(), release.join(&b.name)))
        .chain(built_libraries.into_iter().map(|(from, name)| (name, from)))
        .chain(outside.iter().map(|o| (o.name.clone(), o.path.clone())));
    for (b, from) in copies {
        let b = b.as_str();
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

/// Builds each selected package's library as the in-process library (a `cdylib` with
/// storm-multilang's `jni` feature): the package's `export_bolt!` / `export_spout!` line then
/// exports its component. Dynamic glibc, since the JVM that loads it has its own; no
/// `crt-static`, which a shared library cannot take. Returns (built file, name in resources).
fn dist_inproc(root: &Path, binaries: &[Binary]) -> Result<Vec<(PathBuf, String)>, String> {
    let mut built = Vec::new();
    let mut packages: Vec<&Binary> = binaries.iter().filter(|b| b.lib.is_some()).collect();
    packages.dedup_by(|a, b| a.package == b.package);
    for b in packages {
        // `cargo rustc` takes one package; the crate type is chosen here, so the component
        // crates' own builds (tests, the static binaries) never make a cdylib.
        run(cargo()
            .current_dir(root)
            .args([
                "rustc",
                "-q",
                "--release",
                "--lib",
                "--crate-type",
                "cdylib",
            ])
            .args(["-p", &b.package, "--features", "storm-multilang/jni"])
            .args(["--target-dir", INPROC_TARGET_DIR])
            .env_remove("RUSTFLAGS"))?;
        if let Some(file) = b.library() {
            built.push((
                root.join(INPROC_TARGET_DIR).join("release").join(&file),
                file,
            ));
        }
    }
    Ok(built)
}

/// Checks an in-process library: a shared object that needs only glibc (no newer than
/// [`GLIBC_FLOOR`]) and exports its component's table.
fn check_inproc(path: &Path, component: &str) -> Result<String, String> {
    let ldd = Command::new("ldd")
        .arg(path)
        .output()
        .map_err(|e| format!("ldd: {e}"))?;
    let text = String::from_utf8_lossy(&ldd.stdout).into_owned();
    let allowed = [
        "linux-vdso",
        "libc.so",
        "libgcc_s.so",
        "ld-linux",
        "libm.so",
        "libdl.so",
        "libpthread.so",
    ];
    let needs: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|lib| !allowed.iter().any(|a| lib.contains(a)))
        .collect();
    if !ldd.status.success() || !needs.is_empty() {
        return Err(format!(
            "needs more than glibc: {needs:?} ({})",
            text.trim()
        ));
    }
    let symbols = Command::new("objdump")
        .arg("-T")
        .arg(path)
        .output()
        .map_err(|e| format!("objdump: {e}"))?;
    let symbols = String::from_utf8_lossy(&symbols.stdout);
    let newest = symbols
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| {
            let mut it = v.split('.').map(|n| n.parse::<u32>().ok());
            Some((it.next()??, it.next().flatten().unwrap_or(0)))
        })
        .max()
        .unwrap_or((0, 0));
    if newest > GLIBC_FLOOR {
        return Err(format!(
            "asks for GLIBC_{}.{}, newer than the floor {}.{}",
            newest.0, newest.1, GLIBC_FLOOR.0, GLIBC_FLOOR.1
        ));
    }
    let export = format!("storm_multilang_component_{component}");
    if !symbols
        .lines()
        .any(|l| l.split_whitespace().last() == Some(export.as_str()))
    {
        return Err(format!(
            "does not export {export} (no export_bolt!/export_spout! line?)"
        ));
    }
    Ok(format!(
        "glibc {}.{} at most, exports {export}",
        newest.0, newest.1
    ))
}

fn check_static(args: &[String]) -> Result<(), String> {
    let dir = root().join("multilang/resources");
    let (mut passed, mut failed) = (0, 0);
    let chosen = selected(args)?;
    for b in &chosen {
        let Some(file) = b.library() else { continue };
        match check_inproc(&dir.join(&file), &b.name) {
            Ok(what) => {
                passed += 1;
                println!("ok   {file}: {what}");
            }
            Err(e) => {
                failed += 1;
                println!("FAIL {file}: {e}");
            }
        }
    }
    for b in chosen.iter().map(|b| b.name.as_str()) {
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
    let rest: Vec<String> = env::args().skip(2).collect();
    let result = match task.as_str() {
        "dist" => dist(&rest),
        "check-static" => check_static(&rest),
        "storm-py" => storm_py(),
        "check-docs" => docs::check_docs(&root()),
        "provenance" => docs::provenance(&root(), &rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <dist [-p NAME]... [--from PATH]...|check-static [-p NAME]...|storm-py|check-docs|provenance SCRIPT>"
            );
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
