//! What an answer must satisfy beyond its serde types: the spec's numeric ranges, checked on
//! every decoded answer (the generated models implement `Validate`).

use crate::nullable::Nullable;

/// A decoded value that checks the spec's constraints serde cannot express.
pub trait Validate {
    /// `Err` names the first member (a dotted path from `path`) outside its range.
    fn validate(&self, path: &str) -> Result<(), String>;
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, path: &str) -> Result<(), String> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Nullable<T> {
    fn validate(&self, path: &str) -> Result<(), String> {
        self.as_ref().map_or(Ok(()), |v| v.validate(path))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, path: &str) -> Result<(), String> {
        for (i, v) in self.iter().enumerate() {
            v.validate(&format!("{path}.{i}"))?;
        }
        Ok(())
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate(&self, path: &str) -> Result<(), String> {
        for (k, v) in self {
            v.validate(&format!("{path}.{k}"))?;
        }
        Ok(())
    }
}

/// A number a range applies to, wrapped or not.
pub(crate) trait Number {
    fn number(&self) -> Option<f64>;
}

impl Number for i64 {
    fn number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl Number for f64 {
    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl<T: Number> Number for Option<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Number::number)
    }
}

impl<T: Number> Number for Nullable<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Number::number)
    }
}

/// Checks `minimum`/`maximum` of the member `name` under `path`.
pub(crate) fn range(
    path: &str,
    name: &str,
    value: &impl Number,
    min: Option<f64>,
    max: Option<f64>,
) -> Result<(), String> {
    let Some(v) = value.number() else {
        return Ok(());
    };
    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
        return Err(format!("{path}.{name} is {v}, outside the spec's range"));
    }
    Ok(())
}
