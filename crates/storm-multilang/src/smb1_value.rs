//! One SMB1-encoded value (docs/binary-protocol.md, "Values"): its type tags and typed
//! accessors. A leaf: the domain types ([`crate::message`]) read tuple values through it
//! without depending on the SMB1 codec, and the codec ([`crate::smb1`]) writes the same tags.

pub(crate) const T_NULL: u8 = 0x00;
pub(crate) const T_FALSE: u8 = 0x01;
pub(crate) const T_TRUE: u8 = 0x02;
pub(crate) const T_INT: u8 = 0x03;
pub(crate) const T_FLOAT: u8 = 0x04;
pub(crate) const T_STR: u8 = 0x05;
pub(crate) const T_LIST: u8 = 0x06;
pub(crate) const T_MAP: u8 = 0x07;
pub(crate) const T_BYTES: u8 = 0x08;
pub(crate) const T_JSON: u8 = 0x09;

pub(crate) fn as_str(v: &[u8]) -> Option<&str> {
    let (&tag, rest) = v.split_first()?;
    match tag {
        T_STR => std::str::from_utf8(rest.get(4..)?).ok(),
        _ => None,
    }
}

pub(crate) fn as_i64(v: &[u8]) -> Option<i64> {
    match v {
        [T_INT, b @ ..] => Some(i64::from_be_bytes(b.try_into().ok()?)),
        [T_JSON, b @ ..] => std::str::from_utf8(b.get(4..)?).ok()?.parse().ok(),
        _ => None,
    }
}

pub(crate) fn as_f64(v: &[u8]) -> Option<f64> {
    match v {
        [T_FLOAT, b @ ..] => Some(f64::from_be_bytes(b.try_into().ok()?)),
        [T_INT, ..] => as_i64(v).map(|i| i as f64),
        _ => None,
    }
}

pub(crate) fn as_bool(v: &[u8]) -> Option<bool> {
    match v {
        [T_TRUE] => Some(true),
        [T_FALSE] => Some(false),
        _ => None,
    }
}

/// A short human-readable rendering, for error messages.
pub(crate) fn describe(v: &[u8]) -> String {
    match v.first() {
        Some(&T_NULL) => "null".into(),
        Some(&T_TRUE) => "true".into(),
        Some(&T_FALSE) => "false".into(),
        Some(&T_INT) => as_i64(v).map(|i| i.to_string()).unwrap_or_default(),
        Some(&T_FLOAT) => as_f64(v).map(|f| f.to_string()).unwrap_or_default(),
        Some(&T_STR) => format!("{:?}", as_str(v).unwrap_or_default()),
        Some(&T_LIST) => "a list".into(),
        Some(&T_MAP) => "a map".into(),
        Some(&T_BYTES) => "bytes".into(),
        Some(&T_JSON) => std::str::from_utf8(v.get(5..).unwrap_or_default())
            .unwrap_or_default()
            .to_owned(),
        _ => "nothing".into(),
    }
}
