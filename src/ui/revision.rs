//! The one way the window invalidates what it derives. Every input that derived data are
//! computed from carries a [`Revision`], which changes whenever the input changes (the map
//! layer when it is rebuilt, the ledger when its cases are read again, the standing when it is
//! recomputed); each derived value keeps the key it was computed for ([`Derived`]: the
//! revisions, and the plain values such as the style or the language it also depends on) and
//! is computed again when the key differs. Nothing is marked dirty by hand.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

/// One state of an input. Revisions are unique in the process, so that a replaced input (a
/// new map layer, another ledger) never shares one with what it replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Revision(u64);

impl Revision {
    /// A revision no other input has had.
    #[must_use]
    pub fn new() -> Self {
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// Marks the input changed.
    pub fn bump(&mut self) {
        *self = Self::new();
    }
}

impl Default for Revision {
    fn default() -> Self {
        Self::new()
    }
}

/// A value derived from inputs identified by a key `K`, computed again only when the key
/// changes.
#[derive(Debug)]
pub struct Derived<K, V>(Option<(K, V)>);

impl<K, V> Default for Derived<K, V> {
    fn default() -> Self {
        Self(None)
    }
}

impl<K: PartialEq, V> Derived<K, V> {
    /// The value for `key`: the one kept when it was computed for the same key, else the one
    /// `compute` gives now.
    pub fn get(&mut self, key: K, compute: impl FnOnce() -> V) -> &V {
        if !self.is_current(&key) {
            self.0 = None;
        }
        &self.0.get_or_insert_with(|| (key, compute())).1
    }

    /// Whether the value kept was computed for `key`.
    #[must_use]
    pub fn is_current(&self, key: &K) -> bool {
        self.0.as_ref().is_some_and(|(kept, _)| kept == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_computed_again_only_when_its_key_changes() {
        let mut ledger = Revision::new();
        let mut derived: Derived<(Revision, u8), usize> = Derived::default();
        let mut computed = 0;
        let mut get = |derived: &mut Derived<(Revision, u8), usize>, key| {
            *derived.get(key, || {
                computed += 1;
                computed
            })
        };
        assert_eq!(get(&mut derived, (ledger, 1)), 1);
        assert_eq!(get(&mut derived, (ledger, 1)), 1, "same key: kept");
        ledger.bump();
        assert_eq!(get(&mut derived, (ledger, 1)), 2, "input changed");
        assert_eq!(
            get(&mut derived, (ledger, 2)),
            3,
            "plain part of the key changed"
        );
        assert!(derived.is_current(&(ledger, 2)));
        assert_ne!(
            Revision::new(),
            Revision::new(),
            "revisions are never shared"
        );
    }
}
