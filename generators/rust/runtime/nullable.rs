//! `Nullable<T>`, the tri-state of a field that may be absent, null or a value, and the serde
//! helpers the generated models use to decode exactly what the spec allows.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that may be absent, null or a value on the wire. Decoding keeps the three apart and
/// encoding writes back what was decoded (an absent field stays absent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The key was not sent.
    #[default]
    Absent,
    /// The key was sent as `null`.
    Null,
    /// The key was sent with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the key was not sent (used to leave it out when encoding).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the key was sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one; absent and null both give `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => v.serialize(serializer),
            _ => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// A required key that may be null: a missing key is an error (serde only defaults a field
/// without `deserialize_with`). Used by the generated models whenever the spec has such a field.
#[allow(dead_code)]
pub(crate) fn required<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

/// An optional key that must not be null when present (`null` is refused, as the spec says).
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Prints a secret field masked: `Some("[redacted]")` for a value, as it is otherwise.
pub(crate) struct Masked<'a, T>(pub &'a T);

impl std::fmt::Debug for Masked<'_, String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "\"[redacted]\""
        })
    }
}

impl std::fmt::Debug for Masked<'_, Option<String>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(_) => f.write_str("Some(\"[redacted]\")"),
            None => f.write_str("None"),
        }
    }
}

impl std::fmt::Debug for Masked<'_, Nullable<String>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Nullable::Value(_) => f.write_str("Value(\"[redacted]\")"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
    struct T {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        n: Nullable<String>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        o: Option<i64>,
    }

    #[test]
    fn tri_state_round_trips_and_optional_refuses_null() {
        for text in [r#"{}"#, r#"{"n":null}"#, r#"{"n":"x","o":1}"#] {
            let t: T = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&t).unwrap(), text);
        }
        assert!(serde_json::from_str::<T>(r#"{"o":null}"#).is_err());
        assert_eq!(
            format!("{:?}", Masked(&"secret".to_owned())),
            "\"[redacted]\""
        );
        assert_eq!(
            format!("{:?}", Masked(&Some("secret".to_owned()))),
            "Some(\"[redacted]\")"
        );
    }
}
