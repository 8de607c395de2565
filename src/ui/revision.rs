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

/// A value read somewhere else (on a server ledger's thread) for a key: the last answer is
/// kept until a newer one comes, and each key is asked once.
#[derive(Debug)]
pub struct Asked<K, V> {
    answer: Option<(K, V)>,
    asked: Option<K>,
}

impl<K, V> Default for Asked<K, V> {
    fn default() -> Self {
        Self {
            answer: None,
            asked: None,
        }
    }
}

impl<K: PartialEq + Clone, V> Asked<K, V> {
    /// The answer for `key` when it has come; else `Err(ask)`, where `ask` says whether
    /// `key` still has to be asked (it is marked asked).
    pub fn lookup(&mut self, key: &K) -> Result<&V, bool> {
        match &self.answer {
            Some((kept, value)) if kept == key => Ok(value),
            _ if self.asked.as_ref() == Some(key) => Err(false),
            _ => {
                self.asked = Some(key.clone());
                Err(true)
            }
        }
    }

    /// Keeps the answer for `key`.
    pub fn answer(&mut self, key: K, value: V) {
        self.answer = Some((key, value));
    }

    /// The last answer, whatever key it was for.
    #[must_use]
    pub fn latest(&self) -> Option<(&K, &V)> {
        self.answer.as_ref().map(|(k, v)| (k, v))
    }

    /// Forgets what was asked (the source changed: ask again).
    pub fn clear(&mut self) {
        self.answer = None;
        self.asked = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_asked_once_per_key_and_kept_until_a_newer_comes() {
        let mut asked: Asked<u8, &str> = Asked::default();
        assert_eq!(asked.lookup(&1), Err(true), "asked the first time");
        assert_eq!(asked.lookup(&1), Err(false), "not asked twice");
        asked.answer(1, "one");
        assert_eq!(asked.lookup(&1), Ok(&"one"));
        assert_eq!(asked.lookup(&2), Err(true), "a new key is asked");
        assert_eq!(
            asked.latest(),
            Some((&1, &"one")),
            "the old answer is kept meanwhile"
        );
        asked.clear();
        assert_eq!(asked.latest(), None);
        assert_eq!(asked.lookup(&2), Err(true), "asked again after clear");
    }

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
