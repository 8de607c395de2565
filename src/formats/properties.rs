//! A feature's properties, as the readers keep them.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// A feature's properties, in file order, each name once (a repeated name keeps its last
/// value, as JSON readers do). A name the reader was told to keep (see
/// [`super::FromFeature::KEEP`]) is not allocated for each feature: a million parcels share
/// one `"district"`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties(Vec<(Cow<'static, str>, Value)>);

impl Properties {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `n` properties.
    #[must_use]
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|(k, _)| k == key)
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.0[i].1)
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets a property; the value it had, if any.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) -> Option<Value> {
        let key = key.into();
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.0[i].1, value));
        }
        self.0.push((key, value));
        None
    }

    /// Adds a property the caller knows is not there yet (a reader whose names are
    /// distinct), without looking for it first.
    pub(crate) fn push_new(&mut self, key: Cow<'static, str>, value: Value) {
        debug_assert!(!self.contains_key(&key), "{key} is already there");
        self.0.push((key, value));
    }

    /// Takes a property out.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        Some(self.0.remove(i).1)
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Names and values in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Names in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }
}

impl From<Map<String, Value>> for Properties {
    fn from(map: Map<String, Value>) -> Self {
        Self(map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect())
    }
}

impl std::ops::Index<&str> for Properties {
    type Output = Value;

    /// The value of `key`; panics when there is none, as `serde_json::Map` does.
    fn index(&self, key: &str) -> &Value {
        self.get(key)
            .unwrap_or_else(|| panic!("no property named {key:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_once_in_file_order_and_the_last_value_wins() {
        let mut p = Properties::new();
        assert_eq!(p.insert("b", Value::from(1)), None);
        assert_eq!(p.insert(String::from("a"), Value::from("x")), None);
        assert_eq!(p.insert("b", Value::from(2)), Some(Value::from(1)));
        assert_eq!(p.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(p["b"], Value::from(2));
        assert!(p.contains_key("a") && !p.contains_key("c"));
        assert_eq!(p.remove("b"), Some(Value::from(2)));
        assert_eq!(p.remove("b"), None);
        assert_eq!(p.len(), 1);
        let from_map = Properties::from(
            serde_json::from_str::<Map<String, Value>>(r#"{"z":1,"y":null}"#).expect("json"),
        );
        assert_eq!(from_map.get("y"), Some(&Value::Null));
        assert_eq!(from_map.len(), 2);
    }
}
