//! A serde `Serializer` writing emitted values (and metric params) as SMB1 values.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::smb1_value::{
    T_BYTES, T_FALSE, T_FLOAT, T_INT, T_JSON, T_LIST, T_MAP, T_NULL, T_STR, T_TRUE,
};

/// Why a value could not be written in SMB1.
#[derive(Debug)]
pub struct Smb1Error(String);

impl fmt::Display for Smb1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Smb1Error {}

impl ser::Error for Smb1Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Smb1Error(msg.to_string())
    }
}

fn put_u32(out: &mut Vec<u8>, n: usize) -> Result<(), Smb1Error> {
    let n = u32::try_from(n).map_err(|_| Smb1Error("a value over 4 GiB".into()))?;
    out.extend_from_slice(&n.to_be_bytes());
    Ok(())
}

pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    // Strings over 4 GiB cannot come from a frame whose length is a u32 either.
    out.extend_from_slice(&(s.len().min(u32::MAX as usize) as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// A serde serializer writing SMB1 values. At the top level (`top`), a sequence is written
/// as `values` (count and items, no tag).
pub(crate) struct Smb1Serializer<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    pub(crate) top: bool,
}

/// A list or map being written; its count is patched in at the end.
pub(crate) struct Compound<'o> {
    out: &'o mut Vec<u8>,
    count_at: usize,
    count: usize,
}

impl<'o> Smb1Serializer<'o> {
    fn begin(self, tag: u8) -> Compound<'o> {
        if !self.top || tag == T_MAP {
            self.out.push(tag);
        }
        let count_at = self.out.len();
        self.out.extend_from_slice(&[0; 4]);
        Compound {
            out: self.out,
            count_at,
            count: 0,
        }
    }
}

impl Compound<'_> {
    fn finish(self) -> Result<(), Smb1Error> {
        let n = u32::try_from(self.count).map_err(|_| Smb1Error("too many items".into()))?;
        self.out[self.count_at..self.count_at + 4].copy_from_slice(&n.to_be_bytes());
        Ok(())
    }
}

impl<'o> ser::Serializer for Smb1Serializer<'o> {
    type Ok = ();
    type Error = Smb1Error;
    type SerializeSeq = Compound<'o>;
    type SerializeTuple = Compound<'o>;
    type SerializeTupleStruct = Compound<'o>;
    type SerializeTupleVariant = Compound<'o>;
    type SerializeMap = Compound<'o>;
    type SerializeStruct = Compound<'o>;
    type SerializeStructVariant = Compound<'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Smb1Error> {
        self.out.push(if v { T_TRUE } else { T_FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Smb1Error> {
        self.out.push(T_INT);
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Smb1Error> {
        match i64::try_from(v) {
            Ok(i) => self.serialize_i64(i),
            // Past i64 (Java's long): as JSON text, which json-smart reads as a BigInteger.
            Err(_) => {
                self.out.push(T_JSON);
                put_str(self.out, &v.to_string());
                Ok(())
            }
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), Smb1Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Smb1Error> {
        self.out.push(T_FLOAT);
        self.out.extend_from_slice(&v.to_be_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Smb1Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Smb1Error> {
        self.out.push(T_STR);
        put_str(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Smb1Error> {
        self.out.push(T_BYTES);
        put_u32(self.out, v.len())?;
        self.out.extend_from_slice(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Smb1Error> {
        self.out.push(T_NULL);
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Smb1Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Smb1Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Smb1Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        // As serde_json does: {"Variant": value}
        self.out.push(T_MAP);
        self.out.extend_from_slice(&1u32.to_be_bytes());
        put_str(self.out, variant);
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_LIST))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_LIST))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_LIST))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Smb1Error> {
        Err(Smb1Error(
            "enum tuple variants are not supported in tuples".into(),
        ))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_MAP))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'o>, Smb1Error> {
        Ok(self.begin(T_MAP))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'o>, Smb1Error> {
        Err(Smb1Error(
            "enum struct variants are not supported in tuples".into(),
        ))
    }
}

impl Compound<'_> {
    fn item<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Smb1Error> {
        self.count += 1;
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }

    fn key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Smb1Error> {
        self.count += 1;
        k.serialize(KeySerializer { out: self.out })
    }
}

macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Smb1Error;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Smb1Error> {
                self.item(v)
            }
            fn end(self) -> Result<(), Smb1Error> {
                self.finish()
            }
        }
    )*};
}
seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Smb1Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Smb1Error> {
        self.key(k)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Smb1Error> {
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }
    fn end(self) -> Result<(), Smb1Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Smb1Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        self.count += 1;
        put_str(self.out, k);
        v.serialize(Smb1Serializer {
            out: self.out,
            top: false,
        })
    }
    fn end(self) -> Result<(), Smb1Error> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Smb1Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        ser::SerializeStruct::serialize_field(self, k, v)
    }
    fn end(self) -> Result<(), Smb1Error> {
        self.finish()
    }
}

/// Map keys must be strings (as in JSON); numbers are written as their decimal text.
struct KeySerializer<'o> {
    out: &'o mut Vec<u8>,
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Smb1Error;
    type SerializeSeq = ser::Impossible<(), Smb1Error>;
    type SerializeTuple = ser::Impossible<(), Smb1Error>;
    type SerializeTupleStruct = ser::Impossible<(), Smb1Error>;
    type SerializeTupleVariant = ser::Impossible<(), Smb1Error>;
    type SerializeMap = ser::Impossible<(), Smb1Error>;
    type SerializeStruct = ser::Impossible<(), Smb1Error>;
    type SerializeStructVariant = ser::Impossible<(), Smb1Error>;

    fn serialize_str(self, v: &str) -> Result<(), Smb1Error> {
        put_str(self.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Smb1Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Smb1Error> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Smb1Error> {
        self.serialize_str(&v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Smb1Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Smb1Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Smb1Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Smb1Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_bool(self, _: bool) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<(), Smb1Error> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Smb1Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Smb1Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Smb1Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Smb1Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Smb1Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Smb1Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Smb1Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Smb1Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Smb1Error> {
        Err(key_error())
    }
}

fn key_error() -> Smb1Error {
    Smb1Error("map keys must be strings or integers".into())
}

impl Smb1Serializer<'_> {
    pub(super) fn serialize_u64_value(self, n: u64) -> Result<(), Smb1Error> {
        ser::Serializer::serialize_u64(self, n)
    }
}

/// The bytes `v` is written as, as the values of an emit (count and items).
#[cfg(test)]
pub(super) fn values(v: impl crate::Values) -> Vec<u8> {
    let mut out = Vec::new();
    v.serialize_values(Smb1Serializer {
        out: &mut out,
        top: true,
    })
    .unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_as_the_spec_says() {
        assert_eq!(
            values(("ab", 1u8, -2i64, true, 1.5f64)),
            [
                &[0, 0, 0, 5][..],
                &[T_STR, 0, 0, 0, 2, b'a', b'b'],
                &[T_INT, 0, 0, 0, 0, 0, 0, 0, 1],
                &[T_INT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
                &[T_TRUE],
                &[T_FLOAT, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
            ]
            .concat()
        );
        assert_eq!(
            values((vec![Some(1u64), None],)),
            [
                &[0, 0, 0, 1][..],
                &[T_LIST, 0, 0, 0, 2],
                &[T_INT, 0, 0, 0, 0, 0, 0, 0, 1],
                &[T_NULL]
            ]
            .concat()
        );
        let mut m = std::collections::BTreeMap::new();
        m.insert("k", "v");
        assert_eq!(
            values((m,)),
            [
                &[0, 0, 0, 1][..],
                &[T_MAP, 0, 0, 0, 1, 0, 0, 0, 1, b'k', T_STR, 0, 0, 0, 1, b'v']
            ]
            .concat()
        );
        assert_eq!(values((u64::MAX,))[4], T_JSON);
    }
}
