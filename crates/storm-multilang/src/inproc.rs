//! The JNI boundary of the in-process mode: the one module of the crate with `unsafe` code and
//! foreign types (feature `jni`).
//!
//! A component library (a `cdylib` built from a component crate with this feature, by `cargo
//! xtask dist`) is loaded by storm-native's `InProcessBolt` / `InProcessSpout` into Storm's
//! worker with `System.load`, from the topology's code dir. It exports, per component, a
//! symbol `storm_multilang_component_<name>` ([`export_bolt!`](crate::export_bolt),
//! [`export_spout!`](crate::export_spout)) that returns the component's [`Table`], and once per
//! library the `Java_io_stormnative_InProcessNative_*` functions below.
//!
//! Several libraries in one worker (one per component crate, or from several topologies in a
//! LocalCluster) all carry those `Java_*` functions; the JVM binds the first library's copy.
//! So these functions never touch a component directly: they find its [`Table`] by name in the
//! library the Java side names (`dlsym`), and call the table's `extern "C"` functions, which
//! are the component library's own code. Between libraries only `#[repr(C)]` data and byte
//! pointers cross, checked by [`ABI`].
//!
//! Who owns what, and which thread calls:
//! - The Java object owns one handle (a `Bound`, from `create`) and frees it once (`destroy`).
//!   A handle is used by one thread at a time: Storm calls a task's `execute` / `nextTuple` /
//!   `ack` / ... on its executor thread. Each task has its own handle and instance: no state is
//!   shared between tasks, but for the logger of a library (see [`crate::embed`]).
//! - Input bytes are copied from the Java array into the handle's buffer (one `memcpy` of the
//!   message, which lets the component run without holding the array pinned); answers are
//!   copied from the instance's buffer into the caller's array, or its size returned negated
//!   when the array is too small (then `fetch` after growing it).
//! - No panic crosses: the component's are caught in [`crate::embed`], anything else here,
//!   and the Java side gets a `RuntimeException`.
#![allow(unsafe_code)]

use std::ffi::{c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::JNIEnv;

use crate::embed::Embedded;

/// The version of [`Table`]'s layout and calling contract; a library with another is refused.
pub const ABI: u32 = 2;

/// The kind of a component, as its [`Table`] says.
pub const BOLT: u32 = 0;
/// See [`BOLT`].
pub const SPOUT: u32 = 1;

/// Builds an embedded component: the component library's own code, called only through its
/// table's `create`.
pub type Start =
    fn(args: &[String], setup: &[u8], out: &mut Vec<u8>) -> Result<Box<dyn Embedded>, String>;

/// What a component library exports per component. The fields up to `destroy` are the
/// contract between libraries; `start` is read only by the library's own `create`.
#[repr(C)]
#[derive(Debug)]
pub struct Table {
    abi: u32,
    kind: u32,
    create: unsafe extern "C" fn(
        table: *const Table,
        args: *const u8,
        args_len: usize,
        setup: *const u8,
        setup_len: usize,
    ) -> *mut c_void,
    handle: unsafe extern "C" fn(inst: *mut c_void, msg: *const u8, len: usize) -> i32,
    output: unsafe extern "C" fn(inst: *mut c_void, len: *mut usize) -> *const u8,
    started: unsafe extern "C" fn(inst: *mut c_void) -> i32,
    destroy: unsafe extern "C" fn(inst: *mut c_void),
    start: Start,
}

impl Table {
    /// The table of a bolt built by `start` (what [`export_bolt!`](crate::export_bolt) writes).
    pub const fn bolt(start: Start) -> Self {
        Table::new(BOLT, start)
    }

    /// The table of a spout built by `start`.
    pub const fn spout(start: Start) -> Self {
        Table::new(SPOUT, start)
    }

    const fn new(kind: u32, start: Start) -> Self {
        Table {
            abi: ABI,
            kind,
            create,
            handle,
            output,
            started,
            destroy,
            start,
        }
    }
}

/// One component instance, in the component library's memory.
struct Instance {
    /// `None` when `start` failed: `out` then holds the reports.
    component: Option<Box<dyn Embedded>>,
    out: Vec<u8>,
}

/// Builds the instance; never null. A failure leaves the component out and its report in the
/// output (an SMB1 `error` frame).
unsafe extern "C" fn create(
    table: *const Table,
    args: *const u8,
    args_len: usize,
    setup: *const u8,
    setup_len: usize,
) -> *mut c_void {
    // SAFETY: the caller passes this library's own table and byte ranges it keeps alive for
    // the call.
    let (table, args, setup) = unsafe { (&*table, bytes(args, args_len), bytes(setup, setup_len)) };
    let mut out = Vec::with_capacity(64 << 10);
    // NUL-separated; no bytes at all is no argument (an empty one is kept where there are bytes).
    let args: Vec<String> = if args.is_empty() {
        Vec::new()
    } else {
        String::from_utf8_lossy(args)
            .split('\0')
            .map(str::to_owned)
            .collect()
    };
    let started = catch_unwind(AssertUnwindSafe(|| (table.start)(&args, setup, &mut out)));
    let component = match started {
        Ok(Ok(c)) => Some(c),
        // Reported by `start` already (embed reports what fails before and in prepare/open).
        Ok(Err(_)) => None,
        Err(_) => {
            crate::smb1::encode::error(&mut out, "the component panicked while starting");
            None
        }
    };
    Box::into_raw(Box::new(Instance { component, out })).cast()
}

/// Handles one message; 0, or -1 when the instance has no component (it failed to start) or
/// something outside the component panicked (its report is in the output).
unsafe extern "C" fn handle(inst: *mut c_void, msg: *const u8, len: usize) -> i32 {
    // SAFETY: `inst` comes from this library's `create` and is used by one thread at a time;
    // `msg` is valid for `len` bytes during the call.
    let (inst, msg) = unsafe { (&mut *inst.cast::<Instance>(), bytes(msg, len)) };
    inst.out.clear();
    let Some(component) = inst.component.as_mut() else {
        crate::smb1::encode::error(&mut inst.out, "the component did not start");
        return -1;
    };
    let out = &mut inst.out;
    match catch_unwind(AssertUnwindSafe(|| component.handle(msg, out))) {
        Ok(()) => 0,
        Err(_) => {
            crate::smb1::encode::error(&mut inst.out, "panic outside the component's code");
            -1
        }
    }
}

/// 1 when the component started, 0 when it did not (its reports are in the output).
unsafe extern "C" fn started(inst: *mut c_void) -> i32 {
    // SAFETY: from this library's `create`.
    i32::from(unsafe { (*inst.cast::<Instance>()).component.is_some() })
}

/// The answers of the last `create` or `handle`.
unsafe extern "C" fn output(inst: *mut c_void, len: *mut usize) -> *const u8 {
    // SAFETY: as in `handle`; `len` is the caller's.
    unsafe {
        let inst = &*inst.cast::<Instance>();
        *len = inst.out.len();
        inst.out.as_ptr()
    }
}

unsafe extern "C" fn destroy(inst: *mut c_void) {
    // SAFETY: from this library's `create`, destroyed once.
    let inst = unsafe { Box::from_raw(inst.cast::<Instance>()) };
    // A panic in the component's Drop must not unwind out of an extern "C" function.
    if catch_unwind(AssertUnwindSafe(|| drop(inst))).is_err() {
        eprintln!("storm-multilang: a component panicked while being dropped");
    }
}

/// # Safety
/// `ptr` is valid for `len` bytes (or `len` is 0).
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: the caller's promise.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// What a Java handle points to: the component's table and instance (in its library) and the
/// input buffer (in this one).
struct Bound {
    table: &'static Table,
    inst: *mut c_void,
    input: Vec<u8>,
}

/// Runs `f`, turning an error or a panic into a Java `RuntimeException` and `fallback`.
fn guard<'l, T>(
    env: &mut JNIEnv<'l>,
    fallback: T,
    f: impl FnOnce(&mut JNIEnv<'l>) -> Result<T, String>,
) -> T {
    match catch_unwind(AssertUnwindSafe(|| f(env))) {
        Ok(Ok(v)) => return v,
        Ok(Err(msg)) => throw(env, &msg),
        Err(_) => throw(env, "panic in storm-multilang's JNI layer"),
    }
    fallback
}

fn throw(env: &mut JNIEnv<'_>, msg: &str) {
    // A pending exception (from a failed JNI call) already says what went wrong.
    if !env.exception_check().unwrap_or(true) {
        let _ = env.throw_new("java/lang/RuntimeException", msg);
    }
}

/// `InProcessNative.component(path, name)`: the address of the component's table in the library
/// at `path` (already loaded by `System.load`), or 0 if it exports no such component.
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_component<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    path: JString<'l>,
    name: JString<'l>,
) -> jlong {
    guard(&mut env, 0, |env| {
        let path: String = env.get_string(&path).map_err(|e| e.to_string())?.into();
        let name: String = env.get_string(&name).map_err(|e| e.to_string())?.into();
        let c_path = CString::new(path.clone()).map_err(|e| e.to_string())?;
        let symbol =
            CString::new(format!("storm_multilang_component_{name}")).map_err(|e| e.to_string())?;
        // SAFETY: plain libc calls on NUL-terminated strings. RTLD_NOLOAD: the library is
        // loaded already (System.load); this only takes a reference to find its symbols, and
        // the reference is kept for as long as the JVM keeps the library.
        let found = unsafe {
            let lib = libc::dlopen(c_path.as_ptr(), libc::RTLD_NOW | libc::RTLD_NOLOAD);
            if lib.is_null() {
                return Err(format!("{path} is not loaded (System.load it first)"));
            }
            let found = libc::dlsym(lib, symbol.as_ptr());
            // The JVM's own reference keeps the library loaded; this one was only for dlsym.
            libc::dlclose(lib);
            found
        };
        if found.is_null() {
            return Ok(0);
        }
        // SAFETY: the symbol is a component's exported function returning its table, whose
        // first field is the ABI number in every version; the rest is read only once it matches.
        let table = unsafe {
            let get: extern "C" fn() -> *const Table = std::mem::transmute(found);
            get()
        };
        let abi = unsafe { *table.cast::<u32>() };
        if abi != ABI {
            return Err(format!(
                "{path}: component {name} was built for in-process ABI {abi} (this storm-multilang speaks {ABI}): rebuild the library with the storm-multilang the other components use"
            ));
        }
        Ok(table as jlong)
    })
}

/// `InProcessNative.abi()`: the [`ABI`] of the library whose `Java_*` functions the JVM bound,
/// which the Java side checks before its first call (a mismatch would crash, not throw).
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_abi<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
) -> jint {
    ABI as jint
}

/// `InProcessNative.kind(table)`: 0 bolt, 1 spout.
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_kind<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
    table: jlong,
) -> jint {
    // SAFETY: a table address from `component`.
    unsafe { (*(table as *const Table)).kind as jint }
}

/// `InProcessNative.create(table, args, setup)`: a new instance's handle. Its start-up answers
/// (or its error) are then read with `fetch`; `handle` tells whether it started.
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_create<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    table: jlong,
    args: JByteArray<'l>,
    setup: JByteArray<'l>,
) -> jlong {
    guard(&mut env, 0, |env| {
        let args = env.convert_byte_array(&args).map_err(|e| e.to_string())?;
        let setup = env.convert_byte_array(&setup).map_err(|e| e.to_string())?;
        // SAFETY: a table address from `component`; the byte ranges live through the call.
        let bound = unsafe {
            let table = &*(table as *const Table);
            let inst = (table.create)(
                table,
                args.as_ptr(),
                args.len(),
                setup.as_ptr(),
                setup.len(),
            );
            Bound {
                table,
                inst,
                input: Vec::with_capacity(4 << 10),
            }
        };
        Ok(Box::into_raw(Box::new(bound)) as jlong)
    })
}

/// `InProcessNative.started(h)`: whether the instance's component started (else its start-up
/// answers, read with `fetch`, say why).
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_started<'l>(
    _env: JNIEnv<'l>,
    _class: JClass<'l>,
    h: jlong,
) -> jboolean {
    // SAFETY: a live handle from `create`.
    let bound = unsafe { &*(h as *const Bound) };
    // SAFETY: the instance is the table's library's own.
    jboolean::from(unsafe { (bound.table.started)(bound.inst) } == 1)
}

/// `InProcessNative.handle(h, in, off, len, out)`: hands `len` bytes of `in` from `off` (one
/// SMB1 message, without its length prefix) to the component; copies its answers into `out` and
/// returns their length, or minus their length when `out` is too small (grow it, then
/// `fetch`). An instance that did not start throws, with its error.
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_handle<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    h: jlong,
    input: JByteArray<'l>,
    off: jint,
    len: jint,
    out: JByteArray<'l>,
) -> jint {
    guard(&mut env, 0, |env| {
        // SAFETY: a live handle from `create`, used by one thread at a time.
        let bound = unsafe { &mut *(h as *mut Bound) };
        let len = usize::try_from(len).map_err(|_| format!("negative length {len}"))?;
        bound.input.resize(len, 0);
        env.get_byte_array_region(&input, off, as_jbytes(&mut bound.input))
            .map_err(|e| e.to_string())?;
        // SAFETY: the instance is the table's library's own; the input lives through the call.
        let status =
            unsafe { (bound.table.handle)(bound.inst, bound.input.as_ptr(), bound.input.len()) };
        let n = copy_out(env, bound, &out)?;
        if status != 0 {
            return Err(format!(
                "the component cannot take messages: {}",
                last_error(bound)
            ));
        }
        Ok(n)
    })
}

/// `InProcessNative.fetch(h, out)`: copies the last answers into `out` (as `handle` does).
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_fetch<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    h: jlong,
    out: JByteArray<'l>,
) -> jint {
    guard(&mut env, 0, |env| {
        // SAFETY: a live handle from `create`.
        let bound = unsafe { &mut *(h as *mut Bound) };
        copy_out(env, bound, &out)
    })
}

/// `InProcessNative.destroy(h)`: frees the instance and the handle; `h` is dead after it.
#[no_mangle]
pub extern "system" fn Java_io_stormnative_InProcessNative_destroy<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    h: jlong,
) {
    guard(&mut env, (), |_| {
        if h != 0 {
            // SAFETY: a handle from `create`, destroyed once (the Java side forgets it).
            unsafe {
                let bound = Box::from_raw(h as *mut Bound);
                (bound.table.destroy)(bound.inst);
            }
        }
        Ok(())
    })
}

/// The instance's answers as a slice of its buffer.
fn answers(bound: &Bound) -> &[u8] {
    let mut len = 0usize;
    // SAFETY: the instance is alive; the slice is read before the next call into it.
    unsafe {
        let ptr = (bound.table.output)(bound.inst, &mut len);
        bytes(ptr, len)
    }
}

fn copy_out(env: &mut JNIEnv<'_>, bound: &Bound, out: &JByteArray<'_>) -> Result<jint, String> {
    let answers = answers(bound);
    let n = jint::try_from(answers.len()).map_err(|_| "answers over 2 GiB".to_owned())?;
    let room = env.get_array_length(out).map_err(|e| e.to_string())?;
    if n > room {
        return Ok(-n);
    }
    // SAFETY: u8 and i8 have the same size and alignment.
    let signed =
        unsafe { std::slice::from_raw_parts(answers.as_ptr().cast::<i8>(), answers.len()) };
    env.set_byte_array_region(out, 0, signed)
        .map_err(|e| e.to_string())?;
    Ok(n)
}

/// The text of the last SMB1 `error` frame in the answers, for an exception's message.
fn last_error(bound: &Bound) -> String {
    let mut rest = answers(bound);
    let mut last = String::from("(no report)");
    while rest.len() >= 5 {
        let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let Some(frame) = rest.get(4..4 + len) else {
            break;
        };
        if frame.len() >= 5 && frame[0] == 0x16 {
            last = String::from_utf8_lossy(&frame[5..]).into_owned();
        }
        rest = &rest[4 + len..];
    }
    last
}

fn as_jbytes(v: &mut [u8]) -> &mut [i8] {
    // SAFETY: u8 and i8 have the same size and alignment.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<i8>(), v.len()) }
}

/// Exports a bolt for the in-process mode: `export_bolt!("name", APP, make)`, where `APP` is
/// the component's [`cli::App`](crate::cli::App) and `make` builds it from its
/// [`cli::Args`](crate::cli::Args), as `run_bolt_main` takes them. Without the crate's `jni`
/// feature (a component binary) this expands to nothing.
#[macro_export]
macro_rules! export_bolt {
    ($name:literal, $app:expr, $make:expr) => {
        $crate::__export_component!(bolt, EmbeddedBolt, $name, $app, $make);
    };
}

/// Exports a spout for the in-process mode; see [`export_bolt!`](crate::export_bolt).
#[macro_export]
macro_rules! export_spout {
    ($name:literal, $app:expr, $make:expr) => {
        $crate::__export_component!(spout, EmbeddedSpout, $name, $app, $make);
    };
}

/// What [`export_bolt!`](crate::export_bolt) and [`export_spout!`](crate::export_spout) write:
/// the component's start function, its [`Table`], and the symbol that hands the table out.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_component {
    ($kind:ident, $embedded:ident, $name:literal, $app:expr, $make:expr) => {
        const _: () = {
            fn start(
                args: &[::std::string::String],
                setup: &[u8],
                out: &mut ::std::vec::Vec<u8>,
            ) -> ::std::result::Result<
                ::std::boxed::Box<dyn $crate::embed::Embedded>,
                ::std::string::String,
            > {
                $crate::embed::$embedded::start(&$app, args, $make, setup, out).map(|c| {
                    ::std::boxed::Box::new(c) as ::std::boxed::Box<dyn $crate::embed::Embedded>
                })
            }
            static TABLE: $crate::inproc::Table = $crate::inproc::Table::$kind(start);
            #[export_name = concat!("storm_multilang_component_", $name)]
            extern "C" fn table() -> *const $crate::inproc::Table {
                &TABLE
            }
        };
    };
}
