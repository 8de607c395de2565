//! The selection: one set of parcels shared by the map, the tables and the ledger, with the
//! parcel last picked as the one the panels show.

use std::collections::BTreeSet;

/// Selected parcels (indices into the park's parcels).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    parcels: BTreeSet<usize>,
    /// The parcel picked last, shown in the parcel panel.
    primary: Option<usize>,
}

impl Selection {
    /// Selects exactly one parcel, or nothing.
    pub fn set(&mut self, parcel: Option<usize>) {
        self.parcels.clear();
        self.parcels.extend(parcel);
        self.primary = parcel;
    }

    /// Adds a parcel, or removes it when it was selected (shift-click).
    pub fn toggle(&mut self, parcel: usize) {
        if self.parcels.remove(&parcel) {
            if self.primary == Some(parcel) {
                self.primary = self.parcels.iter().next_back().copied();
            }
        } else {
            self.parcels.insert(parcel);
            self.primary = Some(parcel);
        }
    }

    /// Replaces the selection with many parcels (box select); `add` keeps what was selected.
    pub fn extend(&mut self, parcels: impl IntoIterator<Item = usize>, add: bool) {
        if !add {
            self.parcels.clear();
            self.primary = None;
        }
        for parcel in parcels {
            self.parcels.insert(parcel);
            self.primary = Some(parcel);
        }
    }

    /// The parcel the panels show.
    #[must_use]
    pub fn primary(&self) -> Option<usize> {
        self.primary
    }

    #[must_use]
    pub fn contains(&self, parcel: usize) -> bool {
        self.parcels.contains(&parcel)
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.parcels.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.parcels.is_empty()
    }

    /// The selected parcels in index order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.parcels.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::Selection;

    #[test]
    fn click_shift_click_and_box_select() {
        let mut s = Selection::default();
        s.set(Some(3));
        assert_eq!((s.len(), s.primary()), (1, Some(3)));
        s.toggle(7);
        assert_eq!((s.len(), s.primary()), (2, Some(7)));
        s.toggle(7);
        assert_eq!((s.len(), s.primary()), (1, Some(3)));
        s.extend([10, 11, 12], true);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![3, 10, 11, 12]);
        s.extend([5], false);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![5]);
        s.set(None);
        assert!(s.is_empty() && s.primary().is_none());
    }
}
