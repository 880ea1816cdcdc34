//! What a component sends, before any encoding: the [`Values`] of an emit, its routing
//! ([`Emit`]), a spout's [`NewMessageId`], and the [`EmitToken`] that matches task ids to an
//! emit. Nothing here knows a wire format: each codec serializes [`Values`] with its own
//! `serde::Serializer`.

use serde::{Serialize, Serializer};

use crate::TupleId;

/// The values of an emitted tuple: a Rust tuple, array, slice or `Vec` of anything
/// `serde::Serialize`, written as one list in whichever format the stream speaks.
///
/// ```
/// use storm_multilang::Values;
/// let mut out = Vec::new();
/// ("cow", 3u64).serialize_values(&mut serde_json::Serializer::new(&mut out)).unwrap();
/// assert_eq!(out, br#"["cow",3]"#);
/// ```
pub trait Values {
    /// Serializes the values as one list with `serializer` (the codec's).
    fn serialize_values<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl<V: Values + ?Sized> Values for &V {
    fn serialize_values<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize_values(serializer)
    }
}

impl<T: Serialize> Values for [T] {
    fn serialize_values<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize(serializer)
    }
}

impl<T: Serialize, const N: usize> Values for [T; N] {
    fn serialize_values<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // As a slice: serde writes a fixed-size array as a tuple.
        self[..].serialize(serializer)
    }
}

impl<T: Serialize> Values for Vec<T> {
    fn serialize_values<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self[..].serialize(serializer)
    }
}

macro_rules! tuple_values {
    ($($name:ident),+) => {
        impl<$($name: Serialize),+> Values for ($($name,)+) {
            fn serialize_values<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // A Rust tuple serializes as a tuple: a list in both formats.
                self.serialize(serializer)
            }
        }
    };
}
tuple_values!(A);
tuple_values!(A, B);
tuple_values!(A, B, C);
tuple_values!(A, B, C, D);
tuple_values!(A, B, C, D, E);
tuple_values!(A, B, C, D, E, F);
tuple_values!(A, B, C, D, E, F, G);
tuple_values!(A, B, C, D, E, F, G, H);

/// How an emit is routed. The default: the default stream, anchored to the input tuple (in a
/// bolt), and no task ids asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Emit<'e> {
    pub(crate) stream: Option<&'e str>,
    pub(crate) direct_task: Option<u32>,
    pub(crate) need_task_ids: bool,
    pub(crate) anchors: Anchors<'e>,
}

/// Which tuples a bolt's emit is anchored to.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Anchors<'e> {
    /// The tuple being processed.
    #[default]
    Input,
    /// None: the emitted tuple starts no tree of the input's.
    None,
    /// These tuples.
    These(&'e [TupleId<'e>]),
}

impl<'e> Emit<'e> {
    /// The defaults.
    pub fn new() -> Self {
        Emit::default()
    }

    /// Emits on `stream` instead of the default stream.
    pub fn stream(mut self, stream: &'e str) -> Self {
        self.stream = Some(stream);
        self
    }

    /// Sends the tuple to this task only (the stream must be declared direct).
    pub fn direct(mut self, task: u32) -> Self {
        self.direct_task = Some(task);
        self
    }

    /// Asks Storm for the ids of the tasks the tuple went to; they arrive later through the
    /// component's `task_ids` hook, matched by the returned [`EmitToken`]. This costs a round trip
    /// per emit on the JVM side, so it is off unless asked for. Ignored for direct emits, which
    /// never get ids back.
    pub fn need_task_ids(mut self) -> Self {
        self.need_task_ids = true;
        self
    }

    /// Bolts: do not anchor the emitted tuple to the input.
    pub fn unanchored(mut self) -> Self {
        self.anchors = Anchors::None;
        self
    }

    /// Bolts: anchor to these tuples ([`crate::Tuple::anchor`]).
    pub fn anchored_to(mut self, ids: &'e [TupleId<'e>]) -> Self {
        self.anchors = Anchors::These(ids);
        self
    }
}

/// A spout's message id for a reliable emit: a number or a string. Storm hands it back in the
/// `ack` or `fail` command as [`crate::MessageId`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewMessageId<'a> {
    /// An unsigned integer id.
    U64(u64),
    /// A signed integer id.
    I64(i64),
    /// A string id.
    Str(&'a str),
}

impl From<u64> for NewMessageId<'_> {
    fn from(v: u64) -> Self {
        NewMessageId::U64(v)
    }
}

impl From<u32> for NewMessageId<'_> {
    fn from(v: u32) -> Self {
        NewMessageId::U64(v.into())
    }
}

impl From<i64> for NewMessageId<'_> {
    fn from(v: i64) -> Self {
        NewMessageId::I64(v)
    }
}

impl<'a> From<&'a str> for NewMessageId<'a> {
    fn from(v: &'a str) -> Self {
        NewMessageId::Str(v)
    }
}

impl<'a> From<&'a String> for NewMessageId<'a> {
    fn from(v: &'a String) -> Self {
        NewMessageId::Str(v)
    }
}

/// Identifies an emit that asked for task ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmitToken(pub(crate) u64);
